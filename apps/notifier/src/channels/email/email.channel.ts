import { Logger } from '@nestjs/common';
import { type TeamDirectory } from '@hub/config';
import { type Database } from '@hub/database';
import { type Destination, type Notification } from '../../notification.js';
import { type ReceiptStore } from '../../receipts/receipt.store.js';
import { type Templates } from '../../templates/templates.js';
import { ChannelHeldError, ChannelRejectedError } from '../channel.errors.js';
import { type Channel, type DeliveryOutcome } from '../channel.js';
import { claimEvents, type ClaimRequest, type EventClaim, releaseClaims, youngestClaim } from '../event-claims.js';
import { digestEmailOf, type EmailMessage, emailOf } from './email.message.js';
import { messageIdDomain, threadRootId } from './email.thread.js';
import { type EmailSender, SmtpUnreachableError } from './smtp.client.js';

/**
 * Email: a destination whose team has an `email` list in teams.yaml gets its incidents (one
 * conversation each, threaded by Message-ID: email.thread.ts) and messages at that list; a
 * notification for `stakeholders` (reports) goes to the team's `stakeholders` instead (else `email`).
 * Once per notification and recipient list: the events are claimed before the server is called
 * (no transaction open meanwhile), marked sent with their receipts after it took the message; a
 * redelivery after that sends nothing, and a second replica handed the same event finds the claim
 * and waits. SMTP has no idempotency key: an answer lost after the server took the message leaves
 * the claim, and the same email (same Message-ID) goes again once the claim's lease has passed.
 */
export class EmailChannel implements Channel {
  readonly name = 'email';
  private readonly logger = new Logger(EmailChannel.name);
  private readonly domain: string;

  constructor(
    private readonly sender: EmailSender,
    private readonly teams: TeamDirectory,
    private readonly db: Database,
    private readonly receipts: ReceiptStore,
    private readonly templates: Templates,
    /** How long an earlier try's claim may still be sending (2 × SMTP_TIMEOUT_MS + 5 s). */
    private readonly claimLeaseMs = 30_000,
  ) {
    this.domain = messageIdDomain(sender.from);
  }

  get mode(): 'live' | 'outbox' {
    return this.sender.mode;
  }

  accepts(destination: Destination): boolean {
    return this.targetOf(destination) !== undefined;
  }

  /** The team whose address lists a destination uses (one email per team, whichever route led there). */
  targetOf(destination: Destination): string | undefined {
    const team = destination.team;
    return team !== undefined && this.teams.has(team) && this.teams.team(team).team.email ? `team:${team}` : undefined;
  }

  /** The event's claim for the destination team's list (of its audience). */
  claimOf(n: Notification, destination: Destination): ClaimRequest | undefined {
    const target = this.targetOf(destination);
    return target ? { step: this.stepOf(target, n.audience ?? 'team'), eventIds: [n.eventId] } : undefined;
  }

  deliver(n: Notification, destination: Destination, claim?: EventClaim<unknown>): Promise<DeliveryOutcome> {
    return this.send([n], destination, (to) => emailOf(n, to, this.domain, this.templates.lookOf(n)), claim);
  }

  /** One email per audience of the burst (a report to the stakeholders does not join the team's digest). */
  async deliverDigest(items: readonly Notification[], destination: Destination): Promise<DeliveryOutcome> {
    const outcomes: DeliveryOutcome[] = [];
    for (const audience of ['team', 'stakeholders'] as const) {
      const group = items.filter((n) => (n.audience ?? 'team') === audience);
      if (group.length === 0) continue;
      outcomes.push(
        await this.send(group, destination, (to, unsent) =>
          unsent.length === 1
            ? emailOf(unsent[0]!, to, this.domain, this.templates.lookOf(unsent[0]!))
            : digestEmailOf(unsent, to, this.domain, this.templates.lookOf(unsent[0]!)),
        ),
      );
    }
    return outcomes.includes('delivered') ? 'delivered' : 'duplicate';
  }

  private async send(
    items: readonly Notification[],
    destination: Destination,
    render: (to: readonly string[], unsent: readonly Notification[]) => EmailMessage,
    claim?: EventClaim<unknown>,
  ): Promise<DeliveryOutcome> {
    const target = this.targetOf(destination);
    if (!target) throw new ChannelRejectedError('email', 'the destination has no team with an email list');
    const audience = items[0]!.audience ?? 'team';
    const to = this.recipients(destination.team!, audience);
    const step = this.stepOf(target, audience);
    const claimed = this.claimed(
      items,
      claim ??
        (await claimEvents(
          this.db,
          step,
          items.map((n) => n.eventId),
        )),
    );
    if (!claimed) return 'duplicate';
    const message = render(to, claimed.items);
    let info;
    try {
      info = await this.sender.send(message);
    } catch (error) {
      // An answer (4xx, 5xx) or no connection at all means no message: free the claim so the retry
      // sends at once. No answer after the message went out, and it may be there: the lease decides.
      if (!(error instanceof SmtpUnreachableError)) await releaseClaims(this.db, step, claimed.ids);
      throw error;
    }
    if (info.rejected.length > 0) {
      this.logger.warn({ msg: 'the SMTP server refused some recipients', rejected: info.rejected, target });
    }
    const rows = claimed.items.map((n) =>
      this.receipts.rowOf(n, destination, {
        channel: 'email',
        mode: this.sender.mode,
        operation:
          claimed.items.length > 1 ? 'digest' : n.kind === 'message' ? 'message' : message.inReplyTo ? 'reply' : 'root',
        target: to.join(', '),
        ...(n.kind === 'incident' ? { conversation: threadRootId(n.incidentId, this.domain) } : {}),
        detail: {
          messageId: message.messageId,
          audience,
          accepted: info.accepted,
          ...(info.rejected.length > 0 ? { rejected: info.rejected } : {}),
          ...(info.response ? { response: info.response } : {}),
          ...(this.sender.outboxPath ? { outbox: this.sender.outboxPath } : {}),
          ...(claimed.items.length > 1 ? { digestOf: claimed.ids } : {}),
        },
      }),
    );
    await this.receipts.record(this.db, rows, { mark: { step, eventIds: claimed.ids } });
    return 'delivered';
  }

  private stepOf(target: string, audience: 'team' | 'stakeholders'): string {
    return `notifier:email:${target}:${audience}`;
  }

  /** The events the claim found not yet sent; undefined when all were. Throws held while an earlier try's claim is young. */
  private claimed(
    items: readonly Notification[],
    { unsent, earlier }: EventClaim<unknown>,
  ): { items: readonly Notification[]; ids: readonly string[] } | undefined {
    if (unsent.length === 0) return undefined;
    const open = new Set(unsent);
    const youngest = youngestClaim(earlier);
    if (youngest > 0 && Date.now() - youngest < this.claimLeaseMs) {
      throw new ChannelHeldError('email', `an earlier try of ${unsent[0]!} may still be sending`, this.claimLeaseMs);
    }
    return { items: items.filter((n) => open.has(n.eventId)), ids: unsent };
  }

  /** The team's addresses for an audience: `stakeholders` (else `email`) for reports, `email` otherwise. */
  private recipients(team: string, audience: 'team' | 'stakeholders'): readonly string[] {
    const { email = [], stakeholders } = this.teams.team(team).team;
    return audience === 'stakeholders' ? (stakeholders ?? email) : email;
  }
}
