import { processCounter, processHistogram } from '@hub/telemetry';

/** `outcome` label values: how a run ended, or `replayed` for a result re-published on redelivery. */
export type ActionMetricOutcome = 'succeeded' | 'failed' | 'dry-run' | 'replayed';

/**
 * The executor's Prometheus metrics (one set per process, shared by every app instance, like
 * `MessagingMetrics`). The `kind` label is limited to known kinds (`unknown` otherwise), so a
 * stray request cannot grow the series without bound.
 */
export class ActionMetrics {
  readonly actions = processCounter(
    'hub_actions_total',
    'Actions the executor finished (or re-published), by kind and outcome',
    ['kind', 'outcome'],
  );

  readonly attempts = processCounter(
    'hub_action_attempts_total',
    'Attempts against target systems, by kind and result (ok, retryable, permanent)',
    ['kind', 'result'],
  );

  readonly durationSeconds = processHistogram(
    'hub_action_duration_seconds',
    'Time from the start of an action to its recorded outcome',
    ['kind', 'outcome'],
    [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  );

  constructor(private readonly knownKinds: readonly string[]) {}

  finished(kind: string, outcome: ActionMetricOutcome, durationMs?: number): void {
    const labels = { kind: this.label(kind), outcome };
    this.actions.inc(labels);
    if (durationMs !== undefined) this.durationSeconds.observe(labels, durationMs / 1_000);
  }

  attempted(kind: string, result: 'ok' | 'retryable' | 'permanent'): void {
    this.attempts.inc({ kind: this.label(kind), result });
  }

  private label(kind: string): string {
    return this.knownKinds.includes(kind) ? kind : 'unknown';
  }
}
