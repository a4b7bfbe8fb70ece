import { collectDefaultMetrics, Counter, Histogram, register, type Registry } from 'prom-client';

let defaultsCollected = false;

/** The process-wide Prometheus registry with Node's default process metrics. */
export function metricsRegistry(): Registry {
  if (!defaultsCollected) {
    collectDefaultMetrics({ register });
    defaultsCollected = true;
  }
  return register;
}

/**
 * The process-wide counter `name`, created on first use. Several app instances in one process
 * (tests, the bench) share it instead of failing on a duplicate registration.
 */
export function processCounter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = register.getSingleMetric(name);
  return (existing as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [register] });
}

/** The process-wide histogram `name`, created on first use (see {@link processCounter}). */
export function processHistogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
): Histogram<L> {
  const existing = register.getSingleMetric(name);
  return (
    (existing as Histogram<L> | undefined) ?? new Histogram({ name, help, labelNames, buckets, registers: [register] })
  );
}

/** What the bus does, as seen by this process (one set per process, shared by every channel). */
export class MessagingMetrics {
  readonly published = processCounter('hub_messages_published_total', 'Messages published to the bus, by outcome', [
    'exchange',
    'type',
    'outcome',
  ]);
  readonly consumed = processCounter('hub_messages_consumed_total', 'Messages consumed, by handling outcome', [
    'queue',
    'type',
    'outcome',
  ]);
  readonly deadLettered = processCounter('hub_messages_dead_lettered_total', 'Messages sent to a parking queue', [
    'queue',
    'reason',
  ]);
  readonly consumerPauses = processCounter(
    'hub_consumer_pauses_total',
    'Times a consumer paused because a dependency every delivery needs was unavailable',
    ['queue', 'dependency'],
  );
  readonly handlingSeconds = processHistogram(
    'hub_message_handling_seconds',
    'Time a handler took for one message',
    ['queue', 'type'],
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );
  /**
   * Latency across the bus: from the envelope's `time` (when the gateway ingested the event, or a
   * service produced it) to the end of its handling, retries included. The dashboards' end-to-end
   * latency histogram; per queue it shows where in the flow time is spent.
   */
  readonly eventAgeSeconds = processHistogram(
    'hub_event_age_seconds',
    "Time from the event's envelope time to the end of its handling, by queue and type",
    ['queue', 'type'],
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
  );
}
