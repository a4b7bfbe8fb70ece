import { type NotificationRequested } from '@hub/contracts';
import { type Notification } from '../../notification.js';
import { truncate } from '../../render/presentation.js';
import { type PageAction, pageLinks } from '../paging/paging.js';

/** A PagerDuty Events API v2 event (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). */
export interface PagerDutyEvent {
  routing_key: string;
  event_action: PageAction;
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp: string;
    group?: string;
    class?: string;
    custom_details: Record<string, unknown>;
  };
  links?: { href: string; text: string }[];
  client?: string;
  client_url?: string;
}

/** The hub's severities on PagerDuty's scale (an escalation is `critical` unless the sensor says otherwise). */
const SEVERITY: Readonly<Record<NotificationRequested['severity'], 'critical' | 'warning' | 'info'>> = {
  critical: 'critical',
  warning: 'warning',
  info: 'info',
};

/**
 * The event of one page action: `dedup_key` is the incident key (PagerDuty folds repeats into the open
 * incident, and acknowledge/resolve find it by it). A trigger carries the summary, source (the
 * sensor), mapped severity, team as `group`, the links (runbook, Grafana, trace) and the fields as
 * `custom_details`; acknowledge and resolve carry only the key.
 */
export function pagerDutyEvent(n: Notification, action: PageAction, routingKey: string): PagerDutyEvent {
  const base = { routing_key: routingKey, event_action: action, dedup_key: truncate(n.incidentKey, 255) };
  if (action !== 'trigger') return base;
  return {
    ...base,
    payload: {
      summary: truncate(n.text.trim() ? `${n.title}: ${n.text}` : n.title, 1024),
      source: n.fields.sensor ?? 'hub',
      severity: SEVERITY[n.severity],
      timestamp: n.time,
      ...(n.team ? { group: n.team } : {}),
      class: n.state,
      custom_details: {
        ...n.fields,
        incidentKey: n.incidentKey,
        incidentId: n.incidentId,
        update: n.sequence,
        ...(n.traceId ? { traceId: n.traceId } : {}),
      },
    },
    links: pageLinks(n).map((link) => ({ href: link.url, text: link.title })),
    client: 'Hub',
    ...(n.traceUrl ? { client_url: n.traceUrl } : {}),
  };
}
