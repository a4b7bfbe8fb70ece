import { createHash } from 'node:crypto';
import { type TicketRequested } from '@hub/contracts';

/** Where the ticket goes: the owner team's JIRA project or ServiceNow assignment group (teams.yaml). */
export interface TicketRoute {
  readonly team: string;
  readonly jira?: { readonly project: string; readonly issueType: string; readonly components: readonly string[] };
  readonly servicenow?: { readonly assignmentGroup: string; readonly category?: string };
}

/** Everything a new ticket shows; each provider renders it (ADF, wiki text, plain text, JSON). */
export interface TicketContent {
  readonly summary: string;
  readonly description: string;
  readonly severity: TicketRequested['severity'];
  /** The request's labels plus `hub` and the fingerprint marker. */
  readonly labels: readonly string[];
  readonly fingerprint: string;
  /** The fingerprint as a label/correlation id the vendor can search for. */
  readonly marker: string;
  readonly incidentKey: string;
  readonly incidentId: string;
  readonly fields: Readonly<Record<string, string>>;
  /** The request's links (runbook, generator), then "View trace in Grafana" when `GRAFANA_URL` is set. */
  readonly links: readonly { readonly title: string; readonly url: string }[];
  readonly timeline: TicketRequested['timeline'];
  readonly traceId?: string;
}

/** A comment on an existing ticket: a repeat, the resolution, a reopen. */
export interface TicketNote {
  readonly heading: string;
  readonly text?: string;
  readonly traceId?: string;
  readonly traceUrl?: string;
}

/**
 * The fingerprint as a JIRA label / ServiceNow correlation id: labels cannot hold spaces and are
 * limited in length, and a fingerprint is any text, so it is hashed (`hub-fp-` + 20 hex digits).
 */
export function fingerprintMarker(fingerprint: string): string {
  return `hub-fp-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 20)}`;
}

/** JIRA labels take no whitespace: `team: security` → `team:security`. */
function asLabel(label: string): string {
  return label.trim().replace(/\s+/g, '-');
}

/** The ticket a request asks for, with the trace id and its Grafana link. */
export function ticketContent(request: TicketRequested, traceId?: string, traceUrl?: string): TicketContent {
  const marker = fingerprintMarker(request.fingerprint);
  return {
    summary: request.summary.length > 250 ? `${request.summary.slice(0, 249)}…` : request.summary,
    description: request.description,
    severity: request.severity,
    labels: [...new Set(['hub', ...request.labels.map(asLabel), marker])],
    fingerprint: request.fingerprint,
    marker,
    incidentKey: request.incidentKey,
    incidentId: request.incidentId,
    fields: request.fields,
    links: [...request.links, ...(traceUrl ? [{ title: 'View trace in Grafana', url: traceUrl }] : [])],
    timeline: request.timeline,
    traceId,
  };
}

/** The lines every rendering shows under the description: facts, in a stable order. */
export function facts(content: TicketContent): [string, string][] {
  return [
    ['Severity', content.severity],
    ['Incident', content.incidentKey],
    ['Fingerprint', content.fingerprint],
    ...Object.entries(content.fields),
    ...(content.traceId ? [['Trace id', content.traceId] as [string, string]] : []),
  ];
}

/** A note as plain text lines (ServiceNow work notes, JIRA wiki text, the outbox). */
export function noteText(note: TicketNote): string {
  return [
    note.heading,
    ...(note.text ? [note.text] : []),
    ...(note.traceId ? [`Trace id: ${note.traceId}`] : []),
    ...(note.traceUrl ? [`Trace: ${note.traceUrl}`] : []),
  ].join('\n');
}

/** The whole ticket as plain text (ServiceNow description). */
export function contentText(content: TicketContent): string {
  const lines = [content.description, ''];
  for (const [name, value] of facts(content)) lines.push(`${name}: ${value}`);
  if (content.links.length > 0) lines.push('', 'Links:', ...content.links.map((l) => `- ${l.title}: ${l.url}`));
  if (content.timeline.length > 0) {
    lines.push('', 'Timeline:', ...content.timeline.map((t) => `- ${t.at} ${t.state}${t.text ? `: ${t.text}` : ''}`));
  }
  return lines.join('\n').trim();
}
