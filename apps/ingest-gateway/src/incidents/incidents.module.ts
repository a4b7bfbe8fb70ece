import { type DynamicModule, Module } from '@nestjs/common';
import { IncidentsController } from './incidents.controller.js';
import { IncidentsDatabase } from './incidents.database.js';
import { IncidentsService } from './incidents.service.js';

/** The incident timeline API, with its own read-only database pool (`DATABASE_URL`). */
@Module({})
export class IncidentsModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: IncidentsModule,
      controllers: [IncidentsController],
      providers: [
        { provide: IncidentsDatabase, useFactory: () => new IncidentsDatabase(databaseUrl) },
        IncidentsService,
      ],
    };
  }
}
