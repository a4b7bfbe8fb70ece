import { type Database } from '@hub/database';
import { type Channel } from '../channels/channel.js';
import { claimAll, type ClaimRequest, type EventClaim } from '../channels/event-claims.js';
import { type Destination, type Notification } from '../notification.js';

/** One channel of one destination of a notification. */
export interface ChannelPair {
  readonly channel: Channel;
  readonly destination: Destination;
}

/** What a channel delivers to once per notification: its name and its target in the destination. */
export function targetKeyOf({ channel, destination }: ChannelPair): string {
  return `${channel.name}:${channel.targetOf(destination) ?? ''}`;
}

/**
 * The claims of a notification's channels that claim before their call (`Channel.claimOf`: Teams,
 * email), made in one statement when the first of them is delivered instead of one each. Each
 * channel still records its call right after it, so a crash repeats no more than before; a claim
 * made for a channel whose turn the crash never reached only waits out its lease on the redelivery.
 */
export class NotificationClaims {
  private readonly requests = new Map<ChannelPair, ClaimRequest>();
  private made?: Promise<Map<ChannelPair, EventClaim<unknown>>>;

  /** `pairs`: in delivery order; the first pair of each target claims (later ones are skipped). */
  constructor(
    private readonly db: Database,
    n: Notification,
    pairs: readonly ChannelPair[],
  ) {
    const targets = new Set<string>();
    for (const pair of pairs) {
      const target = targetKeyOf(pair);
      if (targets.has(target)) continue;
      targets.add(target);
      const request = pair.channel.claimOf?.(n, pair.destination);
      if (request) this.requests.set(pair, request);
    }
  }

  /** The claim made for `pair`; undefined when its channel claims on its own. */
  async of(pair: ChannelPair): Promise<EventClaim<unknown> | undefined> {
    if (!this.requests.has(pair)) return undefined;
    this.made ??= claimAll(this.db, [...this.requests.values()]).then(
      (claims) => new Map([...this.requests.keys()].map((p, i) => [p, claims[i]!])),
    );
    return (await this.made).get(pair);
  }
}
