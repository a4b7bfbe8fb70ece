import { type Database } from '@hub/database';
import { type Destination, type Notification } from '../../notification.js';
import { type ReceiptStore } from '../../receipts/receipt.store.js';
import { type Channel, type DeliveryOutcome } from '../channel.js';
import { sendOnce } from '../send-once.js';
import { type WebhookSender } from './webhook.client.js';
import { webhookPayload } from './webhook.payload.js';

/** The target of the `WEBHOOK_URLS` list (a team's webhook is named by its variable). */
export const ALL_WEBHOOKS = 'WEBHOOK_URLS';

/**
 * Outbound webhooks: every notification is POSTed once to each URL of `WEBHOOK_URLS`, and a team's
 * notifications also to its `webhook.urlEnv` URL. With no URL set, notifications of destinations
 * whose `paging` names `webhook` go to the outbox. Each (URL, event) is sent once ({@link sendOnce});
 * the `Idempotency-Key` header lets the receiver drop the repeat an unanswered try may cause. A
 * digest is sent as its notifications, one POST each.
 */
export class WebhookChannel implements Channel {
  readonly name = 'webhook';

  constructor(
    /** `WEBHOOK_URLS[0]`, … → sender (or the outbox alone when no URL is set). */
    private readonly all: ReadonlyMap<string, WebhookSender>,
    /** Team → [its variable, its sender]. */
    private readonly teamHooks: ReadonlyMap<string, readonly [string, WebhookSender]>,
    private readonly db: Database,
    private readonly receipts: ReceiptStore,
    private readonly claimLeaseMs: number,
  ) {}

  get mode(): 'live' | 'outbox' {
    return [...this.all.values()].some((s) => s.mode === 'live') ? 'live' : 'outbox';
  }

  accepts(): boolean {
    return true;
  }

  targetOf(destination: Destination): string {
    return (destination.team && this.teamHooks.get(destination.team)?.[0]) ?? ALL_WEBHOOKS;
  }

  async deliver(n: Notification, destination: Destination): Promise<DeliveryOutcome> {
    const team = destination.team ? this.teamHooks.get(destination.team) : undefined;
    // Unconfigured, only destinations that name the webhook (`paging: [webhook]`) write to the outbox.
    const all = this.mode === 'live' || destination.paging?.includes(this.name) ? [...this.all] : [];
    const senders = [...all, ...(team ? [team] : [])];
    if (senders.length === 0) return 'skipped';
    let outcome: DeliveryOutcome = 'duplicate';
    for (const [target, sender] of senders) {
      const sent = await sendOnce(
        { db: this.db, receipts: this.receipts, claimLeaseMs: this.claimLeaseMs },
        `notifier:webhook:${target}`,
        n,
        destination,
        { channel: this.name, mode: sender.mode, operation: 'post', target },
        async () => {
          const status = await sender.send(webhookPayload(n, destination));
          return {
            ...(status !== undefined ? { httpStatus: status } : {}),
            detail: sender.outboxPath ? { outbox: sender.outboxPath } : {},
          };
        },
      );
      if (sent === 'delivered') outcome = 'delivered';
    }
    return outcome;
  }

  async deliverDigest(items: readonly Notification[], destination: Destination): Promise<DeliveryOutcome> {
    let outcome: DeliveryOutcome = 'duplicate';
    for (const n of items) if ((await this.deliver(n, destination)) === 'delivered') outcome = 'delivered';
    return outcome;
  }
}
