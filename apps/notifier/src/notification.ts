import { type NotificationRequested } from '@hub/contracts';

/**
 * One `notification.requested` as the channels see it: the event's data plus the event id (the
 * idempotency key of every delivery), the event time, and the trace id of the handler's span.
 */
export interface Notification extends NotificationRequested {
  readonly eventId: string;
  readonly time: string;
  readonly traceId?: string;
  /** Which delivery of the event this is (1 = the first); a thread reply is held only while it is early. */
  readonly attempt?: number;
  /** Grafana Explore link to the trace, when `GRAFANA_URL` is set. */
  readonly traceUrl?: string;
}
