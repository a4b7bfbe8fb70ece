import { nameBasedUuid } from '@hub/contracts';

/** RFC 4122 namespace of Alertmanager event ids (a fixed, random UUID). */
const ALERT_ID_NAMESPACE = 'c03d4dc515c04d8b8a9073ccbad5b907';

/** What names one alert notification: the alert instance, its state, and the receiver it went to. */
export interface AlertNotification {
  readonly fingerprint: string;
  readonly startsAt: string;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
}

/**
 * The event id of one alert of a webhook: a version 5 UUID of fingerprint, startsAt, status and
 * receiver. Alertmanager retries a webhook it got no 2xx for (a 503 mid-way through a group) with
 * the same alerts, so the retry republishes the same ids and consumers, idempotent on the id
 * (`runOnce`), drop what they already handled. A new instance of the alert (a later startsAt) or
 * its resolution is a new event.
 */
export function alertEventId(alert: AlertNotification): string {
  return nameBasedUuid(
    ALERT_ID_NAMESPACE,
    JSON.stringify([alert.fingerprint, alert.startsAt, alert.status, alert.receiver]),
  );
}
