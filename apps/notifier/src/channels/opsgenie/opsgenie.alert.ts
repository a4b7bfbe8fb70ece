import { type NotificationRequested } from '@hub/contracts';
import { type Notification } from '../../notification.js';
import { truncate } from '../../render/presentation.js';
import { pageLinks } from '../paging/paging.js';

/** A responder of an Opsgenie alert (https://docs.opsgenie.com/docs/alert-api#create-alert). */
export interface OpsgenieResponder {
  type: 'team' | 'user' | 'escalation' | 'schedule';
  name: string;
}

/** The body of `POST /v2/alerts`. */
export interface OpsgenieCreateAlert {
  message: string;
  alias: string;
  description: string;
  responders: OpsgenieResponder[];
  tags: string[];
  details: Record<string, string>;
  entity?: string;
  source: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4' | 'P5';
}

const PRIORITY: Readonly<Record<NotificationRequested['severity'], OpsgenieCreateAlert['priority']>> = {
  critical: 'P1',
  warning: 'P3',
  info: 'P5',
};

/** The alias of an incident's alert: its key (Opsgenie folds a create with an open alias into the alert). */
export function opsgenieAlias(n: Notification): string {
  return truncate(n.incidentKey, 512);
}

/** The alert of an escalation: message (130 characters), description with the links, priority from the severity. */
export function opsgenieAlert(n: Notification, responders: OpsgenieResponder[]): OpsgenieCreateAlert {
  const links = pageLinks(n).map((link) => `${link.title}: ${link.url}`);
  return {
    message: truncate(n.title, 130),
    alias: opsgenieAlias(n),
    description: truncate([n.text, ...links].filter((line) => line.trim() !== '').join('\n'), 15_000),
    responders,
    tags: ['hub', n.state, ...(n.team ? [`team:${n.team}`] : [])],
    details: {
      ...n.fields,
      incidentKey: n.incidentKey,
      incidentId: n.incidentId,
      update: String(n.sequence),
      ...(n.traceId ? { traceId: n.traceId } : {}),
      ...(n.traceUrl ? { trace: n.traceUrl } : {}),
    },
    ...(n.fields.sensor ? { entity: n.fields.sensor } : {}),
    source: 'Hub',
    priority: PRIORITY[n.severity],
  };
}
