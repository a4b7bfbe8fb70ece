import { type DynamicModule, Module } from '@nestjs/common';
import { EventLogController } from './event-log.controller.js';
import { EVENT_LOG_DATABASE, EVENT_LOG_PAGE_BYTES, EventLogDatabase } from './event-log.database.js';

/** `GET /v1/events` (kept in its own module so the gateway's other database users merge cleanly). */
@Module({})
export class EventLogModule {
  static forRoot(databaseUrl: string, pageBytes: number): DynamicModule {
    return {
      module: EventLogModule,
      controllers: [EventLogController],
      providers: [
        { provide: EVENT_LOG_DATABASE, useFactory: () => new EventLogDatabase(databaseUrl) },
        { provide: EVENT_LOG_PAGE_BYTES, useValue: pageBytes },
      ],
    };
  }
}
