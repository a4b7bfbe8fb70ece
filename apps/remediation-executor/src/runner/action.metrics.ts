import { Counter, Histogram, register } from 'prom-client';

/** `outcome` label values: how a run ended, or `replayed` for a result re-published on redelivery. */
export type ActionMetricOutcome = 'succeeded' | 'failed' | 'dry-run' | 'replayed';

/**
 * The executor's Prometheus metrics (one set per process, shared by every app instance, like
 * `MessagingMetrics`). The `kind` label is limited to known kinds (`unknown` otherwise), so a
 * stray request cannot grow the series without bound.
 */
export class ActionMetrics {
  readonly actions =
    (register.getSingleMetric('hub_actions_total') as Counter<'kind' | 'outcome'> | undefined) ??
    new Counter({
      name: 'hub_actions_total',
      help: 'Actions the executor finished (or re-published), by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [register],
    });

  readonly attempts =
    (register.getSingleMetric('hub_action_attempts_total') as Counter<'kind' | 'result'> | undefined) ??
    new Counter({
      name: 'hub_action_attempts_total',
      help: 'Attempts against target systems, by kind and result (ok, retryable, permanent)',
      labelNames: ['kind', 'result'],
      registers: [register],
    });

  readonly durationSeconds =
    (register.getSingleMetric('hub_action_duration_seconds') as Histogram<'kind' | 'outcome'> | undefined) ??
    new Histogram({
      name: 'hub_action_duration_seconds',
      help: 'Time from the start of an action to its recorded outcome',
      labelNames: ['kind', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers: [register],
    });

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
