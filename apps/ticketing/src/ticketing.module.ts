import { type DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PgIdempotencyStore, RetentionSweeper } from '@hub/database';
import { BusHealthController, HubRmqServer } from '@hub/messaging';
import { HttpSpanNameInterceptor, MetricsController } from '@hub/telemetry';
import { TicketingMetrics } from './metrics/ticketing.metrics.js';
import { TICKET_PROVIDER, type TicketProvider } from './providers/ticket-provider.js';
import { TeamRouting } from './tickets/team-routing.js';
import { TicketRequestConsumer } from './tickets/ticket-request.consumer.js';
import { TICKETING_OPTIONS, type TicketingOptions, TicketService } from './tickets/ticket.service.js';
import { TicketStore } from './tickets/ticket.store.js';

/** Closes the database pools on shutdown, which Nest runs after the transport let handlers finish. */
export class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(private readonly close: () => Promise<void>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/** What the app factory builds from the configuration and hands to the module. */
export interface TicketingParts {
  provider: TicketProvider;
  store: TicketStore;
  idempotency: PgIdempotencyStore;
  routing: TeamRouting;
  options: TicketingOptions;
  database: DatabaseLifecycle;
  server: HubRmqServer;
  retention: RetentionSweeper;
}

@Module({})
export class TicketingModule {
  static forRoot(parts: TicketingParts): DynamicModule {
    return {
      module: TicketingModule,
      controllers: [TicketRequestConsumer, BusHealthController, MetricsController],
      providers: [
        TicketService,
        TicketingMetrics,
        { provide: TICKET_PROVIDER, useValue: parts.provider },
        { provide: TicketStore, useValue: parts.store },
        { provide: PgIdempotencyStore, useValue: parts.idempotency },
        { provide: TeamRouting, useValue: parts.routing },
        { provide: TICKETING_OPTIONS, useValue: parts.options },
        { provide: DatabaseLifecycle, useValue: parts.database },
        { provide: HubRmqServer, useValue: parts.server },
        { provide: RetentionSweeper, useValue: parts.retention },
        { provide: APP_INTERCEPTOR, useClass: HttpSpanNameInterceptor },
      ],
    };
  }
}
