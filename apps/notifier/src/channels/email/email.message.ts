import { type Notification } from '../../notification.js';
import { severityWord, type StatePresentation, STATES, truncate } from '../../render/presentation.js';
import { digestMessageId, type EmailThreading, threadingOf } from './email.thread.js';

/** One email as the channel hands it to the sender (which adds `From`). */
export interface EmailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly messageId: string;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
}

/** Subjects stay under what every client shows in full. */
const SUBJECT_MAX = 200;

/**
 * An incident update or a one-off message: subject `[Critical] <title>` (`Re: …` on later updates,
 * so the conversation keeps one subject — clients thread by it as well as by References), a plain
 * text and an HTML body with the state, text, fields, links and trace, and headers that say it is
 * automatic (`Auto-Submitted`, no vacation replies) and which incident and event it belongs to.
 */
export function emailOf(
  n: Notification,
  to: readonly string[],
  domain: string,
  look?: StatePresentation,
): EmailMessage {
  const threading = threadingOf(n, domain);
  const word = (look ?? STATES[n.state]).word;
  const subject = truncate(`${threading.root ? '' : 'Re: '}[${severityWord(n.severity)}] ${n.title}`, SUBJECT_MAX);
  const facts = factsOf(n);
  const heading = n.kind === 'message' ? n.title : `${word}: ${n.title}`;
  return {
    to,
    subject,
    ...bodies([{ heading, text: n.text, facts, links: linksOf(n) }]),
    ...threadingFields(threading),
    headers: headersOf([n]),
  };
}

/** Several one-off messages of a burst as one email, each a section. */
export function digestEmailOf(
  items: readonly Notification[],
  to: readonly string[],
  domain: string,
  look?: StatePresentation,
): EmailMessage {
  const first = items[0]!;
  const subject = truncate(
    `[${severityWord(first.severity)}] ${items.length} messages: ${items.map((n) => n.title).join('; ')}`,
    SUBJECT_MAX,
  );
  return {
    to,
    subject,
    ...bodies(
      items.map((n) => ({
        heading: `${look?.word ?? 'Notice'}: ${n.title}`,
        text: n.text,
        facts: factsOf(n),
        links: linksOf(n),
      })),
    ),
    messageId: digestMessageId(
      items.map((n) => n.eventId),
      domain,
    ),
    headers: headersOf(items),
  };
}

interface Section {
  heading: string;
  text: string;
  facts: [string, string][];
  links: { title: string; url: string }[];
}

function factsOf(n: Notification): [string, string][] {
  return [
    ...(n.kind === 'incident' ? [['State', STATES[n.state].word] as [string, string]] : []),
    ['Severity', severityWord(n.severity)],
    ...Object.entries(n.fields),
    ...(n.kind === 'incident' ? [['Update', `#${n.sequence}`] as [string, string]] : []),
    ['Incident', n.incidentKey],
    ...(n.traceId ? [['Trace', n.traceId] as [string, string]] : []),
  ];
}

function linksOf(n: Notification): { title: string; url: string }[] {
  return [...n.links, ...(n.traceUrl ? [{ title: 'View trace in Grafana', url: n.traceUrl }] : [])];
}

function bodies(sections: readonly Section[]): { text: string; html: string } {
  const text = sections
    .map((s) =>
      [
        s.heading,
        '',
        ...(s.text ? [s.text, ''] : []),
        ...s.facts.map(([k, v]) => `${k}: ${v}`),
        ...(s.links.length > 0 ? ['', ...s.links.map((l) => `${l.title}: ${l.url}`)] : []),
      ].join('\n'),
    )
    .join('\n\n---\n\n');
  const html = sections
    .map(
      (s) =>
        `<h2>${escape(s.heading)}</h2>` +
        (s.text ? `<p>${escape(s.text).replace(/\n/g, '<br>')}</p>` : '') +
        `<table>${s.facts.map(([k, v]) => `<tr><th align="left">${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>` +
        (s.links.length > 0
          ? `<ul>${s.links.map((l) => `<li><a href="${escape(l.url)}">${escape(l.title)}</a></li>`).join('')}</ul>`
          : ''),
    )
    .join('<hr>');
  return { text: `${text}\n`, html: `<!doctype html><html><body>${html}</body></html>` };
}

function threadingFields(t: EmailThreading): Pick<EmailMessage, 'messageId' | 'inReplyTo' | 'references'> {
  return {
    messageId: t.messageId,
    ...(t.inReplyTo ? { inReplyTo: t.inReplyTo } : {}),
    ...(t.references ? { references: t.references } : {}),
  };
}

function headersOf(items: readonly Notification[]): Record<string, string> {
  const first = items[0]!;
  return {
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    'X-Hub-Incident-Key': first.incidentKey,
    'X-Hub-Event-Id': items.map((n) => n.eventId).join(', '),
    ...(first.kind === 'incident' ? { 'X-Hub-State': first.state } : {}),
  };
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
