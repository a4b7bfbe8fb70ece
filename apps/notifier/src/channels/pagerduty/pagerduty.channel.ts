import { type Database } from '@hub/database';
import { type Destination, type Notification } from '../../notification.js';
import { type ReceiptStore } from '../../receipts/receipt.store.js';
import { type Channel, type DeliveryOutcome } from '../channel.js';
import { destinationPages, mayActOnPage, type PageAction, pageActionOf } from '../paging/paging.js';
import { sendOnce } from '../send-once.js';
import { type PagerDutyEvents } from './pagerduty.client.js';
import { DEFAULT_ROUTING_KEY } from './pagerduty.config.js';
import { pagerDutyEvent } from './pagerduty.event.js';

/** One routing key's way to PagerDuty: the key (absent for the outbox) and its client. */
export interface PagerDutyTarget {
  readonly routingKey?: string;
  readonly events: PagerDutyEvents;
}

/**
 * PagerDuty Events API v2: an escalation triggers the incident's page (dedup_key = incident key) on
 * the destination's routing key — the team's `pagerduty.routingKeyEnv`, else `PAGERDUTY_ROUTING_KEY`
 * — once: later escalations and repeats of an open page send nothing. A human acknowledge (or
 * silence) acknowledges it and `resolved` resolves it, on every key it was triggered on (from the
 * receipts). Each action is sent once per notification event and key ({@link sendOnce}).
 */
export class PagerDutyChannel implements Channel {
  readonly name = 'pagerduty';

  constructor(
    /** By the routing key's variable name. */
    private readonly targets: ReadonlyMap<string, PagerDutyTarget>,
    /** Team → the variable of its own routing key (set). */
    private readonly teamKeys: ReadonlyMap<string, string>,
    private readonly db: Database,
    private readonly receipts: ReceiptStore,
    private readonly claimLeaseMs: number,
  ) {}

  get mode(): 'live' | 'outbox' {
    return this.targetFor(DEFAULT_ROUTING_KEY).events.mode;
  }

  accepts(): boolean {
    return true; // every destination: whether it pages is per notification (deliver)
  }

  targetOf(destination: Destination): string {
    return (destination.team && this.teamKeys.get(destination.team)) ?? DEFAULT_ROUTING_KEY;
  }

  async deliver(n: Notification, destination: Destination): Promise<DeliveryOutcome> {
    if (!mayActOnPage(n)) return 'skipped';
    const triggered = await this.receipts.targetsOf(this.db, n, this.name, 'trigger');
    const target = this.targetOf(destination);
    const live = this.targetFor(target).events.mode === 'live';
    const pages = destinationPages(destination, this.name, live);
    const trigger = pageActionOf(n, triggered.includes(target), pages);
    if (trigger === 'trigger') return this.send(n, destination, 'trigger', target);
    const follow = pageActionOf(n, triggered.length > 0, false);
    if (!follow) return 'skipped';
    let outcome: DeliveryOutcome = 'duplicate';
    for (const paged of triggered) {
      if ((await this.send(n, destination, follow, paged)) === 'delivered') outcome = 'delivered';
    }
    return outcome;
  }

  deliverDigest(): Promise<DeliveryOutcome> {
    return Promise.resolve('skipped'); // one-off messages page nobody
  }

  private send(n: Notification, destination: Destination, action: PageAction, target: string) {
    const { routingKey, events } = this.targetFor(target);
    return sendOnce(
      { db: this.db, receipts: this.receipts, claimLeaseMs: this.claimLeaseMs },
      `notifier:pagerduty:${action}:${target}`,
      n,
      destination,
      { channel: this.name, mode: events.mode, operation: action, target },
      async () => {
        const status = await events.send(pagerDutyEvent(n, action, routingKey ?? ''));
        return {
          ...(status !== undefined ? { httpStatus: status } : {}),
          detail: { dedupKey: n.incidentKey, ...(events.outboxPath ? { outbox: events.outboxPath } : {}) },
        };
      },
    );
  }

  private targetFor(name: string): PagerDutyTarget {
    return this.targets.get(name) ?? this.targets.get(DEFAULT_ROUTING_KEY)!;
  }
}
