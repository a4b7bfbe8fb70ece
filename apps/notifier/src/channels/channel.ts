import { type Notification } from '../notification.js';
import { type Destination } from '../routing/destination.js';

export type ChannelName = 'slack' | 'teams';

/** What one delivery did: sent now, or found already sent (a redelivered event). */
export type DeliveryOutcome = 'delivered' | 'duplicate';

/**
 * A place notifications go (Slack, Teams). Each channel is idempotent on the notification's event
 * id, records a receipt per vendor call, and throws a channel error (`channel.errors.ts`) when the
 * vendor fails.
 */
export interface Channel {
  readonly name: ChannelName;
  /** `live` talks to the vendor; `outbox` writes the requests to `$HUB_DATA_DIR/outbox` instead. */
  readonly mode: 'live' | 'outbox';
  /** Whether the destination sends to this channel. */
  accepts(destination: Destination): boolean;
  /** Where in this channel a destination delivers (Slack channel, Teams webhook): one delivery per target and event. */
  targetOf(destination: Destination): string | undefined;
  deliver(notification: Notification, destination: Destination): Promise<DeliveryOutcome>;
  /** Several one-off messages for one destination as one message (the digest of a burst). */
  deliverDigest(notifications: readonly Notification[], destination: Destination): Promise<DeliveryOutcome>;
}

/** Injection token of the configured channels, in delivery order. */
export const CHANNELS = Symbol('notifier-channels');
