import { type Counter } from 'prom-client';
import { processCounter } from '@hub/telemetry';

/** What became of one delivery (or request) at a push source. */
export type PushOutcome = 'published' | 'replayed' | 'ignored' | 'handshake' | 'rejected';

/**
 * `hub_push_deliveries_total{source,outcome}`: what each push source did with what it received —
 * published, replayed (answered from the replay store), ignored (a kind the hub does not map),
 * handshake, rejected (a bad signature, token or timestamp: a sender with a wrong secret, or a
 * probe). Sources are the configured ones only, so the series stay bounded.
 */
export class PushMetrics {
  private readonly deliveries: Counter<'source' | 'outcome'> = processCounter(
    'hub_push_deliveries_total',
    'Deliveries received by the push sources, by source and outcome',
    ['source', 'outcome'],
  );

  count(source: string, outcome: PushOutcome, by = 1): void {
    if (by > 0) this.deliveries.inc({ source, outcome }, by);
  }
}
