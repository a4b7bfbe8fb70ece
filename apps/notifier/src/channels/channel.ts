import { type Env, type TeamDirectory } from '@hub/config';
import { type Database } from '@hub/database';
import { type CallRecorder } from '@hub/recorder';
import { type z } from 'zod';
import { type Destination, type Notification } from '../notification.js';
import { type ReceiptStore } from '../receipts/receipt.store.js';
import { type Templates } from '../templates/templates.js';
import { type ClaimRequest, type EventClaim } from './event-claims.js';
import { type VendorHttp } from './vendor-http.js';

/** A channel's name (`slack`, `teams`): its metric label, receipt `channel` and idempotency step prefix. */
export type ChannelName = string;

/**
 * What one delivery did: sent now, found already sent (a redelivered event), or nothing to send
 * (`skipped`: a paging channel and an update that neither opens nor follows a page).
 */
export type DeliveryOutcome = 'delivered' | 'duplicate' | 'skipped';

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
  /**
   * What the channel claims before its call (a channel that claims, calls, then records), so the
   * claims of all such channels of a notification share one statement: `deliver` then gets its claim
   * instead of making it. Undefined: the channel claims on its own, or would send nothing.
   */
  claimOf?(notification: Notification, destination: Destination): ClaimRequest | undefined;
  /** `claim`: the claim of {@link Channel.claimOf}, made for it. */
  deliver(notification: Notification, destination: Destination, claim?: EventClaim<unknown>): Promise<DeliveryOutcome>;
  /** Several one-off messages for one destination as one message (the digest of a burst). */
  deliverDigest(notifications: readonly Notification[], destination: Destination): Promise<DeliveryOutcome>;
}

/** What every channel is built with, besides its own variables. */
export interface ChannelContext {
  readonly db: Database;
  readonly receipts: ReceiptStore;
  readonly templates: Templates;
  /** teams.yaml (per-team webhooks, keys, responders). */
  readonly teams: TeamDirectory;
  /** The process environment (variables a team names, like `msteams.webhookUrlEnv`). */
  readonly env: Env;
  /** The outbox file of `name` under `$HUB_DATA_DIR/outbox`, for a channel that is not configured. */
  outbox(name: string): CallRecorder;
  /** The keep-alive connection pool of a vendor (one per vendor name, closed on shutdown). */
  http(vendor: string): VendorHttp;
  /** `NOTIFIER_RETRY_DELAYS_MS`: the transport's retry tiers. */
  readonly retryDelaysMs: readonly number[];
  /** `NOTIFIER_REPLY_HOLD_MS`. */
  readonly replyHoldMs: number;
  /** `NOTIFIER_LOCK_WAIT_MS`. */
  readonly lockWaitMs: number;
}

/**
 * One channel's folder as the notifier wires it: its variables (a zod shape merged into the
 * notifier's environment schema, so one start-up error lists every bad one) and how to build it.
 * `build` throws `ConfigError` for settings only it can judge (a team's variable); the registry
 * collects every channel's problems into one error.
 */
export interface ChannelSetup<S extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: ChannelName;
  readonly env: S;
  build(settings: z.output<z.ZodObject<S>>, context: ChannelContext): Channel;
}

/** Types a channel's setup (its `settings` inferred from its `env`). */
export function defineChannel<S extends z.ZodRawShape>(setup: ChannelSetup<S>): ChannelSetup<S> {
  return setup;
}

/** Injection token of the configured channels, in delivery order. */
export const CHANNELS = Symbol('notifier-channels');
