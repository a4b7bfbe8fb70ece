import { type LoggerService } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDatabase, type Database, migrated } from '@hub/database';
import { HubPublisher } from '@hub/messaging';
import { createHubService } from '@hub/service';
import { loadSources, type SourceDefinition, sourcesDirectory } from './config/source-loader.js';
import { type EventSourcesConfig } from './event-sources.config.js';
import { EventSourcesModule } from './event-sources.module.js';
import { createSource } from './sources/source.factory.js';
import { SourceSupervisor } from './supervision/source.supervisor.js';

/** The built service and the parts tests drive. */
export interface EventSourcesApp {
  app: NestFastifyApplication;
  definitions: readonly SourceDefinition[];
  supervisor: SourceSupervisor;
  publisher: HubPublisher;
  db: Database;
}

/**
 * Builds the service (not yet listening): loads and validates every `config/sources/*.yaml` (a bad
 * file throws InvalidSourcesError listing every problem, before anything connects), migrates the
 * database and builds one source per definition. Sources start with `app.init()` / `app.listen()`
 * (each on its own, with retries); `app.close()` stops them and releases their leases.
 */
export async function createEventSourcesApp(
  config: EventSourcesConfig,
  options: { logger?: LoggerService | false } = {},
): Promise<EventSourcesApp> {
  const definitions = await loadSources(sourcesDirectory(config.HUB_CONFIG_DIR));
  const db = await migrated(createDatabase(config.DATABASE_URL, 4).db);
  const sources = definitions.map((d) => createSource(d, config, db));
  const app = await createHubService(EventSourcesModule.forRoot({ config, sources, db }), {
    logger: options.logger,
    onClose: () => db.destroy(),
  });
  return { app, definitions, supervisor: app.get(SourceSupervisor), publisher: app.get(HubPublisher), db };
}
