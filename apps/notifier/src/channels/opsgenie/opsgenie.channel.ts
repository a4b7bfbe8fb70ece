import { type Database } from '@hub/database';
import { type Destination, type Notification } from '../../notification.js';
import { type ReceiptStore } from '../../receipts/receipt.store.js';
import { type Channel, type DeliveryOutcome } from '../channel.js';
import { destinationPages, mayActOnPage, type PageAction, pageActionOf } from '../paging/paging.js';
import { sendOnce } from '../send-once.js';
import { type OpsgenieResponder, opsgenieAlert, opsgenieAlias } from './opsgenie.alert.js';
import { type OpsgenieApi } from './opsgenie.client.js';
import { OPSGENIE_TARGET } from './opsgenie.config.js';

/**
 * Opsgenie Alert API: an escalation creates the incident's alert (alias = incident key) with the
 * team's responders, once; a human acknowledge (or silence) acknowledges it and `resolved` closes
 * it, by alias. Each request is sent once per notification event ({@link sendOnce}); Opsgenie folds
 * a repeated create with an open alias into the alert, so a retry never opens a second one.
 */
export class OpsgenieChannel implements Channel {
  readonly name = 'opsgenie';

  constructor(
    private readonly api: OpsgenieApi,
    /** Team → its responders (teams.yaml `opsgenie.responders`, default the team by its name). */
    private readonly responders: (team: string | undefined) => OpsgenieResponder[],
    private readonly db: Database,
    private readonly receipts: ReceiptStore,
    private readonly claimLeaseMs: number,
  ) {}

  get mode(): 'live' | 'outbox' {
    return this.api.mode;
  }

  accepts(): boolean {
    return true; // whether a destination pages is per notification (deliver)
  }

  targetOf(): string {
    return OPSGENIE_TARGET;
  }

  async deliver(n: Notification, destination: Destination): Promise<DeliveryOutcome> {
    if (!mayActOnPage(n)) return 'skipped';
    const paged = (await this.receipts.targetsOf(this.db, n, this.name, 'trigger')).length > 0;
    const action = pageActionOf(n, paged, destinationPages(destination, this.name, this.mode === 'live'));
    return action ? this.send(n, destination, action) : 'skipped';
  }

  deliverDigest(): Promise<DeliveryOutcome> {
    return Promise.resolve('skipped');
  }

  private send(n: Notification, destination: Destination, action: PageAction): Promise<DeliveryOutcome> {
    const alias = opsgenieAlias(n);
    return sendOnce(
      { db: this.db, receipts: this.receipts, claimLeaseMs: this.claimLeaseMs },
      `notifier:opsgenie:${action}`,
      n,
      destination,
      { channel: this.name, mode: this.api.mode, operation: action, target: OPSGENIE_TARGET },
      async () => {
        const status = await this.api.send(
          action === 'trigger'
            ? { action, alert: opsgenieAlert(n, this.responders(destination.team)) }
            : { action, alias, note: n.text },
        );
        return {
          ...(status !== undefined ? { httpStatus: status } : {}),
          detail: { alias, ...(this.api.outboxPath ? { outbox: this.api.outboxPath } : {}) },
        };
      },
    );
  }
}
