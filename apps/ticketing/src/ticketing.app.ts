import { Logger, type LoggerService } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadTeams, type TeamDirectory } from '@hub/config';
import { createDatabase, type Database, migrated, PgIdempotencyStore, RetentionSweeper } from '@hub/database';
import { ticketRetentionRules } from './tickets/ticket-retention.js';
import { TICKETING_CONSUMER } from './tickets/ticket.service.js';
import { serviceQueues, HubRmqServer } from '@hub/messaging';
import { CallRecorder } from '@hub/recorder';
import { createHubService } from '@hub/service';
import { JiraCloudApi } from './providers/jira/jira-cloud.api.js';
import { JiraServerApi } from './providers/jira/jira-server.api.js';
import { JiraProvider } from './providers/jira/jira.provider.js';
import { OutboxTicketProvider } from './providers/outbox/outbox.provider.js';
import { ServiceNowProvider } from './providers/servicenow/servicenow.provider.js';
import { type TicketProvider } from './providers/ticket-provider.js';
import { providerKind, TICKETING_QUEUE, type TicketingConfig } from './ticketing.config.js';
import { DatabaseLifecycle, TicketingModule } from './ticketing.module.js';
import { TeamRouting } from './tickets/team-routing.js';
import { TicketStore } from './tickets/ticket.store.js';

export interface TicketingApp {
  app: NestFastifyApplication;
  server: HubRmqServer;
  db: Database;
  provider: TicketProvider;
  teams: TeamDirectory;
}

/**
 * Builds the ticketing service (not yet listening): validates teams.yaml for the provider (a bad
 * file throws TeamsConfigError), migrates the database, and wires the configured provider — JIRA,
 * ServiceNow, or the outbox — behind the `ticket.requested` consumer.
 */
export async function createTicketingApp(
  config: TicketingConfig,
  options: { logger?: LoggerService | false; queue?: string } = {},
): Promise<TicketingApp> {
  const teams = await loadTeams(config.HUB_CONFIG_DIR);
  const provider = buildProvider(config);
  const routing = TeamRouting.validate(teams, providerKind(config));
  // Two pools: the fingerprint lock holds an idle session for the whole request while the map's
  // writes commit on their own, so one pool could run dry with every connection waiting for a second.
  const { db } = createDatabase(config.DATABASE_URL, config.TICKETING_DB_POOL_SIZE);
  const idempotencyDb = createDatabase(config.DATABASE_URL, config.TICKETING_DB_POOL_SIZE);
  const close = async () => {
    await Promise.all([db.destroy(), idempotencyDb.db.destroy()]);
  };
  await migrated(db, close);
  const server = new HubRmqServer({
    ...serviceQueues.ticketing,
    url: config.AMQP_URL,
    connectionName: 'ticketing',
    exchange: config.HUB_EXCHANGE,
    queue: options.queue ?? TICKETING_QUEUE,
    prefetch: config.HUB_PREFETCH,
    partitions: config.HUB_PARTITIONS,
    shutdownGraceMs: config.HUB_SHUTDOWN_GRACE,
    retryDelaysMs: config.TICKETING_RETRY_DELAYS_MS,
  });
  const app = await createHubService(
    TicketingModule.forRoot({
      provider,
      store: new TicketStore(db, provider.name),
      idempotency: new PgIdempotencyStore(idempotencyDb.pool),
      routing,
      options: {
        reopenWindowMs: config.TICKETING_REOPEN_WINDOW_MS,
        claimSettleMs: config.TICKETING_CLAIM_SETTLE_MS,
        grafana: { url: config.GRAFANA_URL, tempoDatasource: config.GRAFANA_TEMPO_DATASOURCE },
      },
      database: new DatabaseLifecycle(close),
      server,
      retention: new RetentionSweeper(
        db,
        ticketRetentionRules(config.TICKETING_RETENTION, config.HUB_PROCESSED_RETENTION, TICKETING_CONSUMER),
        { intervalMs: config.HUB_RETENTION_SWEEP, logger: new Logger('Retention') },
      ),
    }),
    { logger: options.logger, server },
  );
  return { app, server, db, provider, teams };
}

function buildProvider(config: TicketingConfig): TicketProvider {
  const call = { retries: config.TICKETING_RETRIES, maxRateLimitWaitMs: config.TICKETING_MAX_RATE_LIMIT_WAIT_MS };
  switch (providerKind(config)) {
    case 'jira': {
      const host = config.JIRA_HOST!;
      const basic =
        config.JIRA_EMAIL && config.JIRA_API_TOKEN
          ? { email: config.JIRA_EMAIL, apiToken: config.JIRA_API_TOKEN }
          : undefined;
      const api =
        config.JIRA_API_VERSION === '2'
          ? new JiraServerApi({
              host,
              pat: config.JIRA_PAT,
              basic: config.JIRA_PAT ? undefined : basic,
              timeoutMs: config.TICKETING_TIMEOUT_MS,
            })
          : new JiraCloudApi({
              host,
              email: basic!.email,
              apiToken: basic!.apiToken,
              timeoutMs: config.TICKETING_TIMEOUT_MS,
            });
      return new JiraProvider(api, {
        host,
        doneTransition: config.JIRA_DONE_TRANSITION,
        reopenTransition: config.JIRA_REOPEN_TRANSITION,
        resolution: config.JIRA_RESOLUTION,
        wontFixResolutions: config.JIRA_WONTFIX_RESOLUTIONS,
        resolveComment: config.JIRA_RESOLVE_COMMENT === 'true',
        call,
      });
    }
    case 'servicenow':
      return new ServiceNowProvider({
        url: config.SERVICENOW_URL!,
        user: config.SERVICENOW_USER,
        password: config.SERVICENOW_PASSWORD,
        token: config.SERVICENOW_TOKEN,
        closeCode: config.SERVICENOW_CLOSE_CODE,
        wontFixCloseCodes: config.SERVICENOW_WONTFIX_CLOSE_CODES,
        timeoutMs: config.TICKETING_TIMEOUT_MS,
        call,
      });
    case 'outbox':
      return new OutboxTicketProvider(new CallRecorder(config.HUB_DATA_DIR, 'jira'));
  }
}
