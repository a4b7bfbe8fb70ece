import { createHash } from 'node:crypto';
import { type AlertData, createEvent, type HubEvent } from '@hub/contracts';
import { alertEventId } from './alert-event-id.js';
import { type AlertmanagerPayload } from './alertmanager.schema.js';

/** Alertmanager's (Go's) zero time: an alert without a known end. */
const GO_ZERO_TIME = /^0001-01-01T00:00:00(\.0+)?Z$/;

/**
 * One hub event per alert of a webhook: `alert.firing` or `alert.resolved` after the alert's own
 * status (a group can mix both), `subject` = the alert name, `incidentkey` = the fingerprint, which
 * stays the same while the alert fires and when it resolves, so consumers tie both to one incident.
 * The id comes from the alert's content ({@link alertEventId}), so a retried webhook adds no
 * duplicates; a repeat notification with the same content (Alertmanager's `repeat_interval`) has
 * the same id too and is dropped by consumers as well. Unset optional fields (and Go's zero time
 * as `endsAt`) are left out of `data`. What consumers need to know beyond the labels is
 * normalised into source-agnostic envelope fields, so no consumer reads Alertmanager's names:
 * `startedat` (`startsAt`), `sourceurl` (`generatorURL`), `runbookurl` (the `runbook_url` annotation).
 */
export function mapAlertmanagerPayload(payload: AlertmanagerPayload, hubsource: string): HubEvent<AlertData>[] {
  const source = `/alertmanager/${encodeURIComponent(payload.receiver)}`;
  return payload.alerts.map((alert) => {
    const fingerprint = alert.fingerprint || fingerprintOf(alert.labels);
    const data: AlertData = withoutUndefined({
      status: alert.status,
      fingerprint,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
      endsAt: alert.endsAt && !GO_ZERO_TIME.test(alert.endsAt) ? alert.endsAt : undefined,
      generatorURL: alert.generatorURL || undefined,
      groupKey: payload.groupKey,
      receiver: payload.receiver,
      externalURL: payload.externalURL || undefined,
    });
    return createEvent({
      id: alertEventId({ fingerprint, startsAt: alert.startsAt, status: alert.status, receiver: payload.receiver }),
      type: `alert.${alert.status}`,
      source,
      data,
      subject: alert.labels.alertname,
      incidentkey: fingerprint,
      hubsource,
      startedat: alert.startsAt,
      ...(alert.generatorURL ? { sourceurl: alert.generatorURL } : {}),
      ...(alert.annotations.runbook_url ? { runbookurl: alert.annotations.runbook_url } : {}),
    });
  });
}

/**
 * A stable fingerprint for an alert that came without one: the first 16 hex digits of the SHA-256
 * of its labels, sorted by name (the same labels always give the same fingerprint).
 */
export function fingerprintOf(labels: Readonly<Record<string, string>>): string {
  const canonical = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join('\n');
  return createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 16);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
