import { type Counter } from 'prom-client';
import { metricsRegistry, processCounter } from '@hub/telemetry';

/** `delivered`, `outbox` (written instead of sent), `duplicate` (redelivery), `retry`, `rejected`. */
export type DeliveryMetricOutcome = 'delivered' | 'outbox' | 'duplicate' | 'retry' | 'rejected';

const NAME = 'hub_notifications_delivered_total';

/**
 * The notifier's own metric, on the process registry that `GET /metrics` serves. Looked up before
 * it is created, so several notifier apps in one process (the end-to-end tests) share it.
 */
export class NotifierMetrics {
  readonly deliveries: Counter<'channel' | 'outcome'>;

  constructor() {
    metricsRegistry();
    this.deliveries = processCounter(
      NAME,
      'Notification deliveries, by channel (slack, teams, pagerduty, opsgenie, webhook) and outcome',
      ['channel', 'outcome'],
    );
  }

  /** The counter of each (channel, outcome), looked up once: no label object hashed per delivery. */
  private readonly children = new Map<string, Counter.Internal>();

  record(channel: string, outcome: DeliveryMetricOutcome): void {
    const key = `${channel}\0${outcome}`;
    let child = this.children.get(key);
    if (!child) {
      child = this.deliveries.labels(channel, outcome);
      this.children.set(key, child);
    }
    child.inc();
  }
}
