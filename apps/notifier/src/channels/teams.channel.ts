import { type Database, runOnce } from '@hub/database';
import { type Notification } from '../notifications/notification.js';
import { teamsMessage } from '../render/teams.card.js';
import { type Route } from '../routing/routing.config.js';
import { type Channel, type DeliveryOutcome } from './channel.js';
import { type TeamsWebhook } from './teams-webhook.client.js';

const TEAMS_STEP = 'notifier:teams';

/**
 * Microsoft Teams: no threads, so one Adaptive Card per update. The post runs inside `runOnce` on
 * the event id: the marker commits only after the webhook accepted the card, so a redelivery after
 * success sends nothing, and two replicas handed the same event serialise on the marker.
 */
export class TeamsChannel implements Channel {
  readonly name = 'teams';

  constructor(
    private readonly webhook: TeamsWebhook,
    private readonly db: Database,
  ) {}

  get mode(): 'live' | 'outbox' {
    return this.webhook.mode;
  }

  accepts(route: Route): boolean {
    return route.teams;
  }

  async deliver(n: Notification): Promise<DeliveryOutcome> {
    const { duplicate } = await runOnce(this.db, TEAMS_STEP, n.eventId, () => this.webhook.post(teamsMessage(n)));
    return duplicate ? 'duplicate' : 'delivered';
  }
}
