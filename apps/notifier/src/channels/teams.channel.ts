import { type Transaction } from 'kysely';
import { type Database, type HubDatabase } from '@hub/database';
import { type Notification } from '../notifications/notification.js';
import { type ReceiptStore } from '../receipts/receipt.store.js';
import { teamsDigest, teamsMessage } from '../render/teams.card.js';
import { type Destination } from '../routing/destination.js';
import { type Templates } from '../templates/templates.js';
import { ChannelRejectedError } from './channel.errors.js';
import { type Channel, type DeliveryOutcome } from './channel.js';
import { claimEvents } from './event-claims.js';
import { type TeamsWebhook } from './teams-webhook.client.js';

/** The idempotency step of the default webhook (a team's webhook appends its variable). */
const TEAMS_STEP = 'notifier:teams';

/**
 * Microsoft Teams: Workflows webhooks have no threads and cannot edit a card, so one card per
 * update, and every card after an incident's first on a webhook is marked as a follow-up
 * ("↪ Update #3: Remediation succeeded — …"). A destination picks the webhook by its variable
 * (`TEAMS_WEBHOOK_URL` or a team's `msteams.webhookUrlEnv`). The post runs in the transaction that
 * marks the event id done and records the receipt: the marker commits only after the webhook
 * accepted the card, so a redelivery after success sends nothing, and two replicas handed the same
 * event serialise on the marker.
 */
export class TeamsChannel implements Channel {
  readonly name = 'teams';

  constructor(
    private readonly webhooks: ReadonlyMap<string, TeamsWebhook>,
    private readonly db: Database,
    private readonly receipts: ReceiptStore,
    private readonly templates: Templates,
    private readonly fallback: string,
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

  deliver(n: Notification, destination: Destination): Promise<DeliveryOutcome> {
    if (n.kind === 'message') return this.deliverDigest([n], destination);
    return this.send([n], destination, async (trx, target) => {
      const followUp = await this.receipts.hasTeamsCard(trx, n, target);
      const mention = n.mention ? destination.oncall?.msteams : undefined;
      const card = teamsMessage(n, { look: this.templates.lookOf(n), followUp, ...(mention ? { mention } : {}) });
      return { card, operation: followUp ? 'follow-up' : 'card' };
    });
  }

  deliverDigest(items: readonly Notification[], destination: Destination): Promise<DeliveryOutcome> {
    return this.send(items, destination, (_trx, _target, todo) => {
      const look = this.templates.lookOf(todo[0]!);
      const card = todo.length === 1 ? teamsMessage(todo[0]!, { look }) : teamsDigest(todo, look);
      return Promise.resolve({ card, operation: todo.length === 1 ? 'card' : 'digest' });
    });
  }

  /** Claims the events, posts what `render` makes of those not sent before, and records receipts. */
  private async send(
    items: readonly Notification[],
    destination: Destination,
    render: (
      trx: Transaction<HubDatabase>,
      target: string,
      todo: readonly Notification[],
    ) => Promise<{ card: ReturnType<typeof teamsMessage>; operation: 'card' | 'follow-up' | 'digest' }>,
  ): Promise<DeliveryOutcome> {
    const target = this.targetOf(destination);
    if (!target) throw new ChannelRejectedError('teams', 'the destination has no Teams webhook');
    const webhook = this.webhookFor(target);
    return this.db.transaction().execute(async (trx) => {
      const claimed = await claimEvents(
        trx,
        target === this.fallback ? TEAMS_STEP : `${TEAMS_STEP}:${target}`,
        items.map((n) => n.eventId),
      );
      const todo = items.filter((n) => claimed.has(n.eventId));
      if (todo.length === 0) return 'duplicate';
      const { card, operation } = await render(trx, target, todo);
      const status = await webhook.post(card);
      for (const n of todo) {
        await this.receipts.record(trx, n, destination, {
          channel: 'teams',
          mode: webhook.mode,
          operation,
          target,
          ...(status !== undefined ? { httpStatus: status } : {}),
          detail: {
            ...(webhook.outboxPath ? { outbox: webhook.outboxPath } : {}),
            ...(todo.length > 1 ? { digestOf: todo.map((m) => m.eventId) } : {}),
          },
        });
      }
      return 'delivered';
    });
  }

  /** The webhook of a variable; a team whose variable is not set uses the default webhook. */
  private webhookFor(name: string): TeamsWebhook {
    const webhook = this.webhooks.get(name) ?? this.webhooks.get(this.fallback);
    if (!webhook) throw new ChannelRejectedError('teams', `no Teams webhook ${name} and no default webhook`);
    return webhook;
  }
}
