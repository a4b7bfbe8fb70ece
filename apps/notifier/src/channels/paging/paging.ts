import { type Destination, type Notification } from '../../notification.js';

/** What a paging channel does to the vendor's alert of an incident. */
export type PageAction = 'trigger' | 'acknowledge' | 'resolve';

/**
 * What an incident update means for its page: an escalation (state `escalated`, mentioning on-call
 * or above `info` — an escalation step, not its diagnostics note) triggers it where the destination pages through this channel and it is not open
 * there yet; a human decision (acknowledge, silence) acknowledges it and `resolved` resolves it
 * wherever it was triggered. Anything else — and every one-off message — leaves the page alone.
 */
export function pageActionOf(n: Notification, paged: boolean, pages: boolean): PageAction | undefined {
  if (n.kind !== 'incident') return undefined;
  if (n.state === 'resolved') return paged ? 'resolve' : undefined;
  if (n.decision !== undefined) return paged ? 'acknowledge' : undefined;
  // The sensor's escalations and escalation steps; not the `info` notes on an escalated incident (diagnostics).
  const escalation = n.state === 'escalated' && (n.mention || n.severity !== 'info');
  return escalation && pages && !paged ? 'trigger' : undefined;
}

/**
 * Whether the update can act on a page at all (an escalation, a decision, a resolution), before the
 * receipts are asked: every other update of an incident costs a paging channel no query.
 */
export function mayActOnPage(n: Notification): boolean {
  return n.kind === 'incident' && (n.state === 'resolved' || n.state === 'escalated' || n.decision !== undefined);
}

/**
 * Whether `destination` pages through `channel`: its `paging` list names it, or — with no list —
 * the channel pages teams by default (PagerDuty with a routing key set).
 */
export function destinationPages(destination: Destination, channel: string, byDefault: boolean): boolean {
  if (destination.paging) return destination.paging.includes(channel);
  return byDefault && destination.team !== undefined;
}

/** The escalation's links for a pager: the notification's http(s) links, then the trace. */
export function pageLinks(n: Notification): { title: string; url: string }[] {
  const links = n.links.filter((link) => /^https?:\/\//i.test(link.url));
  return n.traceUrl ? [...links, { title: 'View trace in Grafana', url: n.traceUrl }] : links;
}
