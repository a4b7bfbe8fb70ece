import { createHash } from 'node:crypto';
import { type Notification } from '../../notification.js';

/**
 * Message-IDs that thread an incident's emails with no stored state: the root — the incident's
 * first notification (sequence 1, firing) — is `<hub.incident.<incident id>@<domain>>`, derived
 * from the incident id alone; every later update gets its own id from its event and names the root
 * in `In-Reply-To` and `References`, so mail clients show one conversation even when updates
 * arrive out of order or the root was never emailed. The same event always gets the same id, so a
 * copy sent twice (an answer lost after the server took it) is recognisably the same message.
 */
export interface EmailThreading {
  readonly messageId: string;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  /** Whether this email opens the conversation (its subject has no `Re:`). */
  readonly root: boolean;
}

export function threadingOf(n: Notification, domain: string): EmailThreading {
  if (n.kind === 'message') return { messageId: `<hub.message.${token(n.eventId)}@${domain}>`, root: true };
  const root = threadRootId(n.incidentId, domain);
  if (n.sequence <= 1) return { messageId: root, root: true };
  return {
    messageId: `<hub.incident.${token(n.incidentId)}.${n.sequence}.${token(n.eventId)}@${domain}>`,
    inReplyTo: root,
    references: [root],
    root: false,
  };
}

/** The Message-ID of the email that opens an incident's conversation. */
export function threadRootId(incidentId: string, domain: string): string {
  return `<hub.incident.${token(incidentId)}@${domain}>`;
}

/** One email for several messages: named after all of their events. */
export function digestMessageId(eventIds: readonly string[], domain: string): string {
  const hash = createHash('sha256').update(eventIds.join('\n')).digest('hex').slice(0, 32);
  return `<hub.digest.${hash}@${domain}>`;
}

/** The domain of a sender (`Hub <hub@example.com>` → `example.com`): the right-hand side of the Message-IDs. */
export function messageIdDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? '' : address.slice(at + 1).trim();
  return /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(domain) ? domain : 'hub.invalid';
}

/** An id as a dot-atom part: URI-encoded (no `(`, `)` or `.`), so any id gives a valid Message-ID. */
function token(id: string): string {
  return encodeURIComponent(id).replace(/[().!~*']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
