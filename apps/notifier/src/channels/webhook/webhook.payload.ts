import { type Destination, type Notification } from '../../notification.js';

/** Bumped on an incompatible change of {@link WebhookPayload} (docs/schemas/notification-webhook.schema.json). */
export const PAYLOAD_VERSION = 1;

/** The JSON body of one outbound webhook POST: one notification (docs/schemas/notification-webhook.schema.json). */
export interface WebhookPayload {
  version: typeof PAYLOAD_VERSION;
  /** The notification event's id: also the `Idempotency-Key` header; a receiver keeps the first. */
  id: string;
  time: string;
  kind: Notification['kind'];
  incident: { key: string; id: string; sequence: number; state: Notification['state'] };
  title: string;
  text: string;
  severity: Notification['severity'];
  fields: Record<string, string>;
  links: { title: string; url: string }[];
  team?: string;
  route: string;
  destination: string;
  mention: boolean;
  decision?: NonNullable<Notification['decision']>;
  trace?: { id: string; url?: string };
}

export function webhookPayload(n: Notification, destination: Destination): WebhookPayload {
  return {
    version: PAYLOAD_VERSION,
    id: n.eventId,
    time: n.time,
    kind: n.kind,
    incident: { key: n.incidentKey, id: n.incidentId, sequence: n.sequence, state: n.state },
    title: n.title,
    text: n.text,
    severity: n.severity,
    fields: n.fields,
    links: n.links,
    ...(n.team ? { team: n.team } : {}),
    route: n.route,
    destination: destination.name,
    mention: n.mention,
    ...(n.decision ? { decision: n.decision } : {}),
    ...(n.traceId ? { trace: { id: n.traceId, ...(n.traceUrl ? { url: n.traceUrl } : {}) } } : {}),
  };
}
