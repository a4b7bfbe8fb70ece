import { Inject, Injectable, Logger } from '@nestjs/common';
import { type NotificationRequested } from '@hub/contracts';
import { type Channel, CHANNELS, type ChannelName, type DeliveryOutcome } from '../channels/channel.js';
import { asChannelError, type ChannelError } from '../channels/channel.errors.js';
import { NotifierMetrics } from '../metrics/notifier.metrics.js';
import { grafanaTraceUrl, type GrafanaLinkOptions } from '../render/trace-link.js';
import { RoutingTable } from '../routing/routing.config.js';
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
 * Sends one notification to every channel its route names, one channel after the other (each
 * delivery holds at most one database connection). A failing channel does not stop the others; the
 * caller gets every channel's report and decides the ack.
 */
@Injectable()
export class NotificationService {
  private readonly logger = new Logger(NotificationService.name);

  constructor(
    @Inject(RoutingTable) private readonly routing: RoutingTable,
    @Inject(CHANNELS) private readonly channels: readonly Channel[],
    @Inject(NotifierMetrics) private readonly metrics: NotifierMetrics,
    @Inject(GRAFANA_LINK) private readonly grafana: GrafanaLinkOptions,
  ) {}

  async notify(data: NotificationRequested, meta: NotificationMeta): Promise<ChannelReport[]> {
    const resolved = this.routing.resolve(data.route);
    if (resolved.unknown !== undefined) {
      this.logger.warn({
        msg: 'unknown route: using the default route',
        route: resolved.unknown,
        eventId: meta.eventId,
      });
    }
    const notification: Notification = {
      ...data,
      ...meta,
      traceUrl: grafanaTraceUrl(this.grafana, meta.traceId, meta.time),
    };
    const reports: ChannelReport[] = [];
    for (const channel of this.channels.filter((c) => c.accepts(resolved.route))) {
      try {
        const outcome = await channel.deliver(notification, resolved);
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
