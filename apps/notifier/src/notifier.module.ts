import { type DynamicModule, Module } from '@nestjs/common';
import { RetentionSweeper } from '@hub/database';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { BusHealthController, HubRmqServer } from '@hub/messaging';
import { HttpSpanNameInterceptor, MetricsController } from '@hub/telemetry';
import { type Channel, CHANNELS } from './channels/channel.js';
import { OutboxFiles } from './channels/outbox-files.js';
import { VendorHttpPools } from './channels/vendor-http.js';
import { NotifierMetrics } from './metrics/notifier.metrics.js';
import { NotificationConsumer } from './notifications/notification.consumer.js';
import { GRAFANA_LINK, NotificationService } from './notifications/notification.service.js';
import { type GrafanaLinkOptions } from './render/trace-link.js';
import { RoutingTable } from './routing/routing.config.js';
import { DatabaseLifecycle } from './threads/database.lifecycle.js';

/** What the app factory builds from the configuration and hands to the module. */
export interface NotifierParts {
  routing: RoutingTable;
  channels: readonly Channel[];
  grafana: GrafanaLinkOptions;
  database: DatabaseLifecycle;
  /** The vendors' keep-alive pools, closed on shutdown. */
  http: VendorHttpPools;
  /** The outbox files of unconfigured channels, closed on shutdown. */
  outboxes: OutboxFiles;
  server: HubRmqServer;
  retention: RetentionSweeper;
}

@Module({})
export class NotifierModule {
  static forRoot(parts: NotifierParts): DynamicModule {
    return {
      module: NotifierModule,
      controllers: [NotificationConsumer, BusHealthController, MetricsController],
      providers: [
        NotificationService,
        NotifierMetrics,
        { provide: RoutingTable, useValue: parts.routing },
        { provide: CHANNELS, useValue: parts.channels },
        { provide: GRAFANA_LINK, useValue: parts.grafana },
        { provide: DatabaseLifecycle, useValue: parts.database },
        { provide: VendorHttpPools, useValue: parts.http },
        { provide: OutboxFiles, useValue: parts.outboxes },
        { provide: HubRmqServer, useValue: parts.server },
        { provide: RetentionSweeper, useValue: parts.retention },
        { provide: APP_INTERCEPTOR, useClass: HttpSpanNameInterceptor },
      ],
    };
  }
}
