import { type RawBuilder } from 'kysely';
import { type Database } from '@hub/database';
import { hasReceipt, type ReceiptStore } from '../../receipts/receipt.store.js';
import { teamsDigest, teamsMessage } from './teams.card.js';
import { type Templates } from '../../templates/templates.js';
import { ChannelHeldError, ChannelRejectedError } from '../channel.errors.js';
import { type Channel, type DeliveryOutcome } from '../channel.js';
import { claimEvents, type ClaimRequest, type EventClaim, releaseClaims, youngestClaim } from '../event-claims.js';
import { type TeamsWebhook, TeamsWebhookUnreachableError } from './teams-webhook.client.js';
import { type Destination, type Notification } from '../../notification.js';

/** The idempotency step of the default webhook (a team's webhook appends its variable). */
const TEAMS_STEP = 'notifier:teams';

/**
 * Microsoft Teams: Workflows webhooks have no threads and cannot edit a card, so one card per
 * update, and every card after an incident's first on a webhook is marked as a follow-up
 * ("↪ Update #3: Remediation succeeded — …"). A destination picks the webhook by its variable
 * (`TEAMS_WEBHOOK_URL` or a team's `msteams.webhookUrlEnv`). No transaction is open while the
 * webhook is called: the events are claimed first, marked sent after the webhook accepted the card
 * (a redelivery after success sends nothing), and a second replica handed the same event finds the
 * claim and waits.
 */
export class TeamsChannel implements Channel {
  readonly name = 'teams';

  constructor(
    private readonly webhooks: ReadonlyMap<string, TeamsWebhook>,
    private readonly db: Database,
    private readonly receipts: ReceiptStore,
    private readonly templates: Templates,
    private readonly fallback: string,
    /** How long an earlier try's claim may still be posting (2 × TEAMS_TIMEOUT_MS + 5 s). */
    private readonly claimLeaseMs = 30_000,
  ) {}

  get mode(): 'live' | 'outbox' {
    return this.webhookFor(this.fallback).mode;
  }

  accepts(destination: Destination): boolean {
    return destination.teams !== undefined;
  }

  /** The webhook's variable actually used (a team's unset variable means the default webhook). */
  targetOf(destination: Destination): string | undefined {
    if (!destination.teams) return undefined;
    return this.webhooks.has(destination.teams) ? destination.teams : this.fallback;
  }

  /** The event's claim on the destination's webhook (asking, for an incident, whether the card is a follow-up). */
  claimOf(n: Notification, destination: Destination): ClaimRequest | undefined {
    const target = this.targetOf(destination);
    if (!target || !this.webhooks.has(target)) return undefined;
    return {
      step: this.stepOf(target),
      eventIds: [n.eventId],
      ...(n.kind === 'incident' ? { probe: hasReceipt(n, this.name, target) } : {}),
    };
  }

  deliver(n: Notification, destination: Destination, claim?: EventClaim<unknown>): Promise<DeliveryOutcome> {
    if (n.kind === 'message') return this.send([n], destination, undefined, messageCard(this.templates), claim);
    return this.send(
      [n],
      destination,
      (target) => hasReceipt(n, this.name, target),
      (followUp) => {
        const mention = n.mention ? destination.oncall?.msteams : undefined;
        const card = teamsMessage(n, { look: this.templates.lookOf(n), followUp, ...(mention ? { mention } : {}) });
        return { card, operation: followUp ? 'follow-up' : 'card' };
      },
      claim,
    );
  }

  deliverDigest(items: readonly Notification[], destination: Destination): Promise<DeliveryOutcome> {
    return this.send(items, destination, undefined, messageCard(this.templates));
  }

  /**
   * Claims the events (and asks whether this is a follow-up) in one statement, renders and posts the
   * card with no database connection held, and marks them sent with their receipts in another. A
   * claim an earlier try left without its "sent" mark may still be posting while it is younger than
   * `claimLeaseMs` (the delivery waits); older, that try died, and the card is posted again — Teams
   * webhooks have no idempotency key and no way to look a card up, so at least once.
   */
  private async send(
    items: readonly Notification[],
    destination: Destination,
    followUpOf: ((target: string) => RawBuilder<boolean>) | undefined,
    render: (followUp: boolean, unsent: readonly Notification[]) => TeamsCard,
    claimed?: EventClaim<unknown>,
  ): Promise<DeliveryOutcome> {
    const target = this.targetOf(destination);
    if (!target) throw new ChannelRejectedError('teams', 'the destination has no Teams webhook');
    const webhook = this.webhookFor(target);
    const step = this.stepOf(target);
    const claim =
      claimed ??
      (await claimEvents(
        this.db,
        step,
        items.map((n) => n.eventId),
        followUpOf?.(target),
      ));
    const open = new Set(claim.unsent);
    const unsent = items.filter((n) => open.has(n.eventId));
    if (unsent.length === 0) return 'duplicate';
    const youngest = youngestClaim(claim.earlier);
    if (youngest > 0 && Date.now() - youngest < this.claimLeaseMs) {
      throw new ChannelHeldError(
        'teams',
        `an earlier try of ${unsent[0]!.eventId} may still be posting`,
        this.claimLeaseMs,
      );
    }
    const { card, operation } = render(claim.probe === true, unsent);
    let status: number | undefined;
    try {
      status = await webhook.post(card);
    } catch (error) {
      // An answer (refused, rate-limited, a 5xx) means no card: free the claim so the retry posts at
      // once. No answer at all, and the card may be there: the claim stays, and the lease decides.
      if (!(error instanceof TeamsWebhookUnreachableError)) await releaseClaims(this.db, step, claim.unsent);
      throw error;
    }
    const detail = {
      ...(webhook.outboxPath ? { outbox: webhook.outboxPath } : {}),
      ...(unsent.length > 1 ? { digestOf: claim.unsent } : {}),
    };
    const rows = unsent.map((n) =>
      this.receipts.rowOf(n, destination, {
        channel: 'teams',
        mode: webhook.mode,
        operation,
        target,
        ...(status !== undefined ? { httpStatus: status } : {}),
        detail,
      }),
    );
    await this.receipts.record(this.db, rows, { mark: { step, eventIds: claim.unsent } });
    return 'delivered';
  }

  private stepOf(target: string): string {
    return target === this.fallback ? TEAMS_STEP : `${TEAMS_STEP}:${target}`;
  }

  /** The webhook of a variable; a team whose variable is not set uses the default webhook. */
  private webhookFor(name: string): TeamsWebhook {
    const webhook = this.webhooks.get(name) ?? this.webhooks.get(this.fallback);
    if (!webhook) throw new ChannelRejectedError('teams', `no Teams webhook ${name} and no default webhook`);
    return webhook;
  }
}

/** A rendered card and what it is, for its receipt. */
interface TeamsCard {
  readonly card: ReturnType<typeof teamsMessage>;
  readonly operation: 'card' | 'follow-up' | 'digest';
}

/** One-off messages: a card for one, a digest card for several. */
function messageCard(templates: Templates): (followUp: boolean, unsent: readonly Notification[]) => TeamsCard {
  return (_followUp, unsent) => {
    const look = templates.lookOf(unsent[0]!);
    const card = unsent.length === 1 ? teamsMessage(unsent[0]!, { look }) : teamsDigest(unsent, look);
    return { card, operation: unsent.length === 1 ? 'card' : 'digest' };
  };
}
