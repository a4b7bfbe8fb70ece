import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { type GatewayConfig } from '@hub/config';
import { feedsOf, MessagingModule, type PublisherOptions } from '@hub/messaging';
import { MetricsController } from '@hub/telemetry';
import { EventTypePolicy } from './auth/event-type.policy.js';
import { ReadTokenVerifier, TokenVerifier } from './auth/token-verifier.js';
import { HttpExceptionFilter } from './errors/http-exception.filter.js';
import { EventLogModule } from './event-log/event-log.module.js';
import { EventsController } from './events/events.controller.js';
import { GATEWAY_CONFIG } from './gateway.config.js';
import { HealthController } from './health/health.controller.js';
import { IncidentsModule } from './incidents/incidents.module.js';
import { IngestService } from './ingest/ingest.service.js';
import { peopleRoutes } from './people/people.module.js';
import { RequestsController, requestsProviders } from './requests/requests.module.js';
import { AlertmanagerController } from './webhooks/alertmanager/alertmanager.controller.js';
import { ArgoCdWebhookController } from './webhooks/argocd/argocd.controller.js';
import { pushSources } from './webhooks/push/push-sources.js';

/** Publisher settings the caller may tune; where to publish comes from the configuration. */
export type PublisherTuning = Pick<PublisherOptions, 'maxUnconfirmed' | 'confirmTimeoutMs' | 'heartbeatSeconds'>;

/** The ingest gateway: HTTP at the edge, a confirmed publish to the bus behind it. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, publisher: PublisherTuning = {}): DynamicModule {
    const push = pushSources(config);
    const people = peopleRoutes(config);
    return {
      module: GatewayModule,
      imports: [
        MessagingModule.forRoot({
          ...publisher,
          url: config.AMQP_URL,
          connectionName: 'ingest-gateway',
          exchange: config.HUB_EXCHANGE,
          partitions: config.HUB_PARTITIONS,
          feeds: feedsOf('ingest-gateway'),
        }),
        IncidentsModule.forRoot(config.DATABASE_URL),
        EventLogModule.forRoot(config.DATABASE_URL, config.GATEWAY_READ_MAX_BYTES),
      ],
      controllers: [
        AlertmanagerController,
        ArgoCdWebhookController,
        EventsController,
        HealthController,
        MetricsController,
        RequestsController,
        ...push.controllers,
        ...people.controllers,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: TokenVerifier, useFactory: () => new TokenVerifier(config.HUB_INGEST_TOKENS) },
        {
          provide: ReadTokenVerifier,
          // Open only with the rest of the gateway: with ingest tokens and no read tokens, nobody reads.
          useFactory: () =>
            new TokenVerifier(config.HUB_READ_TOKENS ?? (config.HUB_INGEST_TOKENS ? new Map() : undefined)),
        },
        { provide: EventTypePolicy, useFactory: () => new EventTypePolicy(config.HUB_INGEST_TOKEN_TYPES) },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        IngestService,
        ...requestsProviders({ databaseUrl: config.DATABASE_URL, configDir: config.HUB_CONFIG_DIR }),
        ...push.providers,
        ...people.providers,
      ],
    };
  }
}
