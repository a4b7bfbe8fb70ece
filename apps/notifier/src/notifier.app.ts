import { Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Env, loadTeams } from '@hub/config';
import { createDatabase, type Database, migrateToLatest, RetentionSweeper } from '@hub/database';
import { notifierRetentionRules } from './receipts/notifier-retention.js';
import { connectHubTransport, serviceQueues, HubRmqServer } from '@hub/messaging';
import { OutboxWriter } from '@hub/outbox';
import { type Channel } from './channels/channel.js';
import { SlackOutboxClient } from './channels/slack-outbox.client.js';
import { SlackWebClient } from './channels/slack-web.client.js';
import { SlackChannel } from './channels/slack.channel.js';
import { type TeamsWebhook } from './channels/teams-webhook.client.js';
import { TeamsChannel } from './channels/teams.channel.js';
import { buildTeamsWebhooks } from './channels/teams-webhooks.js';
import { NOTIFIER_QUEUE, type NotifierConfig, ROUTING_FILE } from './notifier.config.js';
import { NotifierModule } from './notifier.module.js';
import { ReceiptStore } from './receipts/receipt.store.js';
import { DEFAULT_WEBHOOK, loadRouting, type RoutingTable } from './routing/routing.config.js';
import { DatabaseLifecycle } from './threads/database.lifecycle.js';
import { ThreadStore } from './threads/thread.store.js';

export interface NotifierApp {
  app: NestFastifyApplication;
  server: HubRmqServer;
  db: Database;
  routing: RoutingTable;
  channels: readonly Channel[];
}

/**
 * Builds the notifier (not yet listening): validates the routing file (a bad one throws
 * RoutingConfigError), migrates the database, and wires Slack and Teams — each live when configured,
 * else to the outbox — behind the `notification.requested` consumer.
 */
export async function createNotifierApp(
  config: NotifierConfig,
  options: { logger?: LoggerService | false; queue?: string; env?: Env } = {},
): Promise<NotifierApp> {
  const teams = await loadTeams(config.HUB_CONFIG_DIR);
  const routing = await loadRouting(config.HUB_CONFIG_DIR, ROUTING_FILE, teams);
  const webhooks = buildTeamsWebhooks(
    config.TEAMS_WEBHOOK_URL,
    teams,
    options.env ?? process.env,
    config.TEAMS_TIMEOUT_MS,
    new OutboxWriter(config.HUB_DATA_DIR, 'teams'),
  );
  const { db } = createDatabase(config.DATABASE_URL, config.NOTIFIER_DB_POOL_SIZE);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const channels = buildChannels(config, db, routing, webhooks);
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
  const app = await NestFactory.create<NestFastifyApplication>(
    NotifierModule.forRoot({
      routing,
      channels,
      grafana: { url: config.GRAFANA_URL, tempoDatasource: config.GRAFANA_TEMPO_DATASOURCE },
      database: new DatabaseLifecycle(db),
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
    new FastifyAdapter(),
    { logger: options.logger ?? undefined },
  );
  connectHubTransport(app, server);
  app.enableShutdownHooks();
  return { app, server, db, routing, channels };
}

function buildChannels(
  config: NotifierConfig,
  db: Database,
  routing: RoutingTable,
  webhooks: ReadonlyMap<string, TeamsWebhook>,
): Channel[] {
  const slack = config.SLACK_TOKEN
    ? new SlackWebClient({
        token: config.SLACK_TOKEN,
        apiUrl: config.SLACK_API_URL,
        timeoutMs: config.SLACK_TIMEOUT_MS,
        retries: config.SLACK_RETRIES,
        maxRateLimitWaitMs: config.SLACK_MAX_RATE_LIMIT_WAIT_MS,
      })
    : new SlackOutboxClient(new OutboxWriter(config.HUB_DATA_DIR, 'slack'));
  const receipts = new ReceiptStore();
  return [
    new SlackChannel(
      slack,
      new ThreadStore(db, config.NOTIFIER_LOCK_WAIT_MS),
      db,
      receipts,
      routing.templates,
      {
        holdMs: config.NOTIFIER_REPLY_HOLD_MS,
        holdAttempts: config.NOTIFIER_RETRY_DELAYS_MS.length - 1,
        retryAfterMs: config.NOTIFIER_RETRY_DELAYS_MS[0] ?? 0,
        claimLeaseMs: 2 * config.SLACK_TIMEOUT_MS + 5_000,
      },
      config.SLACK_INTERACTIVE,
    ),
    new TeamsChannel(webhooks, db, receipts, routing.templates, DEFAULT_WEBHOOK, 2 * config.TEAMS_TIMEOUT_MS + 5_000),
  ];
}
