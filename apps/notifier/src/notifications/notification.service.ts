import { Inject, Injectable, Logger } from '@nestjs/common';
import { type NotificationRequested } from '@hub/contracts';
import { type Channel, CHANNELS, type ChannelName, type DeliveryOutcome } from '../channels/channel.js';
import { asChannelError, type ChannelError } from '../channels/channel.errors.js';
import { NotifierMetrics } from '../metrics/notifier.metrics.js';
import { grafanaTraceUrl, type GrafanaLinkOptions } from '../render/trace-link.js';
import { type Destination } from '../routing/destination.js';
import { RoutingTable } from '../routing/routing.config.js';
import { DigestBuffer } from './digest.buffer.js';
import { type Notification } from './notification.js';

/** Injection token of the Grafana link settings. */
export const GRAFANA_LINK = Symbol('grafana-link');

/** What one channel did with a notification. */
export type ChannelReport =
  | { readonly channel: ChannelName; readonly outcome: DeliveryOutcome | 'outbox' }
  | { readonly channel: ChannelName; readonly outcome: 'failed'; readonly error: ChannelError };

/** The event's identity as the channels need it. */
export interface NotificationMeta {
  readonly eventId: string;
  readonly time: string;
  readonly traceId?: string;
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
  ) {
    this.digest = new DigestBuffer(routing.digest);
  }

  async notify(data: NotificationRequested, meta: NotificationMeta): Promise<ChannelReport[]> {
    const destination = this.routing.destinationOf(data);
    if (destination.unknown !== undefined) {
      this.logger.warn({
        msg: 'unknown team or route: using the fallback destination',
        unknown: destination.unknown,
        destination: destination.name,
        eventId: meta.eventId,
      });
    }
    const notification: Notification = {
      ...data,
      ...meta,
      traceUrl: grafanaTraceUrl(this.grafana, meta.traceId, meta.time),
    };
    if (notification.kind === 'message' && this.digest.enabled) {
      return this.digest.add(destination.name, notification, (items) =>
        this.deliver(destination, (channel) => channel.deliverDigest(items, destination)),
      );
    }
    return this.deliver(destination, (channel) => channel.deliver(notification, destination));
  }

  private async deliver(
    destination: Destination,
    send: (channel: Channel) => Promise<DeliveryOutcome>,
  ): Promise<ChannelReport[]> {
    const reports: ChannelReport[] = [];
    for (const channel of this.channels.filter((c) => c.accepts(destination))) {
      try {
        const outcome = await send(channel);
        const shown = outcome === 'delivered' && channel.mode === 'outbox' ? 'outbox' : outcome;
        this.metrics.record(channel.name, shown);
        reports.push({ channel: channel.name, outcome: shown });
      } catch (error) {
        const failure = asChannelError(channel.name, error);
        this.metrics.record(channel.name, failure.retryable ? 'retry' : 'rejected');
        reports.push({ channel: channel.name, outcome: 'failed', error: failure });
      }
    }
    return reports;
  }
}
