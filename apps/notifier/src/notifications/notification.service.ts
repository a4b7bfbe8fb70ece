import { Inject, Injectable, Logger } from '@nestjs/common';
import { type NotificationRequested } from '@hub/contracts';
import { type Channel, CHANNELS, type ChannelName, type DeliveryOutcome } from '../channels/channel.js';
import { asChannelError, type ChannelError } from '../channels/channel.errors.js';
import { type EventClaim } from '../channels/event-claims.js';
import { NotifierMetrics } from '../metrics/notifier.metrics.js';
import { grafanaTraceUrl, type GrafanaLinkOptions } from '../render/trace-link.js';
import { RoutingTable } from '../routing/routing.config.js';
import { DatabaseLifecycle } from '../threads/database.lifecycle.js';
import { DigestBuffer } from './digest.buffer.js';
import { type ChannelPair, NotificationClaims, targetKeyOf } from './notification.claims.js';
import { type Destination, type Notification } from '../notification.js';

/** Injection token of the Grafana link settings. */
export const GRAFANA_LINK = Symbol('grafana-link');

/** What one channel did with a notification. */
export type ChannelReport =
  | { readonly channel: ChannelName; readonly outcome: Exclude<DeliveryOutcome, 'skipped'> | 'outbox' }
  | { readonly channel: ChannelName; readonly outcome: 'failed'; readonly error: ChannelError };

/** The event's identity as the channels need it. */
export interface NotificationMeta {
  readonly eventId: string;
  readonly time: string;
  readonly traceId?: string;
  /** Which delivery of the event this is (1 = the first). */
  readonly attempt?: number;
  /** See {@link Notification.newerWaiting}. */
  readonly newerWaiting?: () => boolean;
}

/**
 * Sends one notification to every channel of its destination (the owner team's channels, else its
 * route's), one channel after the other (each delivery holds at most one database connection). A
 * failing channel does not stop the others; the caller gets every channel's report and decides the
 * ack. One-off messages may wait for a digest window to go out with others of the same burst.
 */
@Injectable()
export class NotificationService {
  private readonly logger = new Logger(NotificationService.name);
  private readonly digest: DigestBuffer<Notification, ChannelReport[]>;

  constructor(
    @Inject(RoutingTable) private readonly routing: RoutingTable,
    @Inject(CHANNELS) private readonly channels: readonly Channel[],
    @Inject(NotifierMetrics) private readonly metrics: NotifierMetrics,
    @Inject(GRAFANA_LINK) private readonly grafana: GrafanaLinkOptions,
    @Inject(DatabaseLifecycle) private readonly database: DatabaseLifecycle,
  ) {
    this.digest = new DigestBuffer(routing.digest);
  }

  async notify(data: NotificationRequested, meta: NotificationMeta): Promise<ChannelReport[]> {
    const destinations = this.routing.destinationsOf(data);
    for (const { unknown, name } of destinations) {
      if (unknown === undefined) continue;
      this.logger.warn({
        msg: 'unknown team or route: using the fallback destination',
        unknown,
        destination: name,
        eventId: meta.eventId,
      });
    }
    const notification: Notification = {
      ...data,
      ...meta,
      traceUrl: grafanaTraceUrl(this.grafana, meta.traceId, meta.time),
    };
    if (notification.kind === 'message' && this.digest.enabled) {
      return this.digest.add(destinations.map((d) => d.name).join('+'), notification, (items) =>
        this.deliver(destinations, (channel, destination) => channel.deliverDigest(items, destination)),
      );
    }
    return this.deliver(
      destinations,
      (channel, destination, claim) => channel.deliver(notification, destination, claim),
      notification,
    );
  }

  /**
   * Each channel of each destination once per target (a team channel that is also the route's gets
   * one thread). With `claiming`, the channels that claim before their call share one claim statement.
   */
  private async deliver(
    destinations: readonly Destination[],
    send: (channel: Channel, destination: Destination, claim?: EventClaim<unknown>) => Promise<DeliveryOutcome>,
    claiming?: Notification,
  ): Promise<ChannelReport[]> {
    const reports: ChannelReport[] = [];
    const seen = new Set<string>();
    const pairs: ChannelPair[] = destinations.flatMap((destination) =>
      this.channels.filter((c) => c.accepts(destination)).map((channel) => ({ channel, destination })),
    );
    const claims = claiming ? new NotificationClaims(this.database.db, claiming, pairs) : undefined;
    for (const pair of pairs) {
      const { channel, destination } = pair;
      const target = targetKeyOf(pair);
      if (seen.has(target)) continue;
      try {
        const outcome = await send(channel, destination, await claims?.of(pair));
        if (outcome === 'skipped') continue; // another destination of the same target may still need it
        seen.add(target);
        const shown = outcome === 'delivered' && channel.mode === 'outbox' ? 'outbox' : outcome;
        this.metrics.record(channel.name, shown);
        reports.push({ channel: channel.name, outcome: shown });
      } catch (error) {
        seen.add(target);
        const failure = asChannelError(channel.name, error);
        this.metrics.record(channel.name, failure.retryable ? 'retry' : 'rejected');
        reports.push({ channel: channel.name, outcome: 'failed', error: failure });
      }
    }
    return reports;
  }
}
