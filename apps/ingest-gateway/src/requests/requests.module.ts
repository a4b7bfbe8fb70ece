import { type Provider } from '@nestjs/common';
import { loadTeams } from '@hub/config';
import { RequestsDatabase } from './requests.database.js';
import { REQUEST_TEAMS } from './requests.module-tokens.js';
import { RequestsService } from './requests.service.js';

export { RequestsController } from './requests.controller.js';

/**
 * The providers of the S3 intake and status API, added to the gateway module beside
 * `RequestsController`: its own database pool (`DATABASE_URL`) and the teams of
 * `$HUB_CONFIG_DIR/teams.yaml` (a bad file fails start-up). It publishes through the gateway's
 * `IngestService`, so a token's type limits and the ingest metrics apply as to any event.
 */
export function requestsProviders(options: { databaseUrl: string; configDir: string }): Provider[] {
  return [
    { provide: RequestsDatabase, useFactory: () => new RequestsDatabase(options.databaseUrl) },
    { provide: REQUEST_TEAMS, useFactory: () => loadTeams(options.configDir) },
    RequestsService,
  ];
}
