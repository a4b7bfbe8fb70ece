import { Logger, type LoggerService } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Env, loadTeams } from '@hub/config';
import { createDatabase, type Database, migrated, RetentionSweeper } from '@hub/database';
import { notifierRetentionRules } from './receipts/notifier-retention.js';
import { serviceQueues, HubRmqServer } from '@hub/messaging';
import { createHubService } from '@hub/service';
import { type Channel } from './channels/channel.js';
import { buildChannels } from './channels/registry.js';
import { OutboxFiles } from './channels/outbox-files.js';
import { VendorHttpPools } from './channels/vendor-http.js';
import { NOTIFIER_QUEUE, type NotifierConfig, ROUTING_FILE } from './notifier.config.js';
import { NotifierModule } from './notifier.module.js';
import { ReceiptStore } from './receipts/receipt.store.js';
import { loadRouting, type RoutingTable } from './routing/routing.config.js';
import { DatabaseLifecycle } from './threads/database.lifecycle.js';

export interface NotifierApp {
  app: NestFastifyApplication;
  server: HubRmqServer;
  db: Database;
  routing: RoutingTable;
  channels: readonly Channel[];
}

/**
 * Builds the notifier (not yet listening): validates the routing file (a bad one throws
 * RoutingConfigError), migrates the database, and wires every channel of `channels/registry.ts` —
 * each live when configured, else to the outbox — behind the `notification.requested` consumer.
 */
export async function createNotifierApp(
  config: NotifierConfig,
  options: { logger?: LoggerService | false; queue?: string; env?: Env } = {},
): Promise<NotifierApp> {
  const teams = await loadTeams(config.HUB_CONFIG_DIR);
  const routing = await loadRouting(config.HUB_CONFIG_DIR, ROUTING_FILE, teams);
  const db = await migrated(createDatabase(config.DATABASE_URL, config.NOTIFIER_DB_POOL_SIZE).db);
  const pools = new VendorHttpPools();
  const outboxes = new OutboxFiles(config.HUB_DATA_DIR);
  let channels: Channel[];
  try {
    channels = buildChannels(
      config,
      {
        db,
        receipts: new ReceiptStore(),
        templates: routing.templates,
        teams,
        env: options.env ?? process.env,
        outbox: (name) => outboxes.of(name),
        http: (vendor) => pools.of(vendor),
        retryDelaysMs: config.NOTIFIER_RETRY_DELAYS_MS,
        replyHoldMs: config.NOTIFIER_REPLY_HOLD_MS,
        lockWaitMs: config.NOTIFIER_LOCK_WAIT_MS,
      },
      [
        ...teams.names.map((name) => ({
          where: `${teams.source} teams.${name}.paging`,
          paging: teams.team(name).team.paging,
        })),
        ...Object.entries(routing.routes).map(([name, route]) => ({
          where: `${ROUTING_FILE} routes.${name}.paging`,
          paging: route.paging,
        })),
      ],
    );
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const server = new HubRmqServer({
    ...serviceQueues.notifier,
    url: config.AMQP_URL,
    connectionName: 'notifier',
    exchange: config.HUB_EXCHANGE,
    queue: options.queue ?? NOTIFIER_QUEUE,
    prefetch: config.HUB_PREFETCH,
    partitions: config.HUB_PARTITIONS,
    shutdownGraceMs: config.HUB_SHUTDOWN_GRACE,
    retryDelaysMs: config.NOTIFIER_RETRY_DELAYS_MS,
  });
  const app = await createHubService(
    NotifierModule.forRoot({
      routing,
      channels,
      grafana: { url: config.GRAFANA_URL, tempoDatasource: config.GRAFANA_TEMPO_DATASOURCE },
      database: new DatabaseLifecycle(db),
      http: pools,
      outboxes,
      server,
      retention: new RetentionSweeper(
        db,
        notifierRetentionRules(config.NOTIFIER_RETENTION, config.HUB_PROCESSED_RETENTION),
        {
          intervalMs: config.HUB_RETENTION_SWEEP,
          logger: new Logger('Retention'),
        },
      ),
    }),
    { logger: options.logger, server },
  );
  return { app, server, db, routing, channels };
}
