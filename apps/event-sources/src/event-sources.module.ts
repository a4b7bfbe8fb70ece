import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { type Database } from '@hub/database';
import { feedsOf, MessagingModule } from '@hub/messaging';
import { HttpSpanNameInterceptor, MetricsController } from '@hub/telemetry';
import { EVENT_SOURCES_CONFIG, type EventSourcesConfig } from './event-sources.config.js';
import { DATABASE, HealthController } from './health/health.controller.js';
import { type Source } from './sources/source.js';
import { LeaseRepository } from './supervision/pg-lease.js';
import { SourceMetrics } from './supervision/source.metrics.js';
import { SOURCES, SourceSupervisor } from './supervision/source.supervisor.js';

export interface EventSourcesDeps {
  config: EventSourcesConfig;
  sources: readonly Source[];
  db: Database;
}

/** The pull sources: NATS JetStream, MQTT, Kubernetes in; `hub.events` out (it consumes nothing). */
@Module({})
export class EventSourcesModule {
  static forRoot(deps: EventSourcesDeps): DynamicModule {
    const { config } = deps;
    return {
      module: EventSourcesModule,
      imports: [
        MessagingModule.forRoot({
          url: config.AMQP_URL,
          connectionName: 'event-sources',
          exchange: config.HUB_EXCHANGE,
          partitions: config.HUB_PARTITIONS,
          feeds: feedsOf('event-sources'),
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: EVENT_SOURCES_CONFIG, useValue: config },
        { provide: SOURCES, useValue: deps.sources },
        { provide: DATABASE, useValue: deps.db },
        { provide: LeaseRepository, useValue: new LeaseRepository(deps.db) },
        SourceMetrics,
        SourceSupervisor,
        { provide: APP_INTERCEPTOR, useClass: HttpSpanNameInterceptor },
      ],
    };
  }
}
