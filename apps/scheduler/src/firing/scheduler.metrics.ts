import { processCounter } from '@hub/telemetry';

/** What the scheduler did, per schedule (one set per process). */
export class SchedulerMetrics {
  readonly fired = processCounter('hub_scheduler_slots_fired_total', 'Slots published, by how', ['schedule', 'mode']);
  readonly skipped = processCounter('hub_scheduler_slots_skipped_total', 'Slots not fired, by why', [
    'schedule',
    'reason',
  ]);
  readonly publishFailures = processCounter(
    'hub_scheduler_publish_failures_total',
    'Claimed slots whose publish failed (the relay publishes them later)',
    ['schedule'],
  );
}
