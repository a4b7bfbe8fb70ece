import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Env } from '@hub/config';
import { createEvent, type HubEvent, HubIssuer, type IncidentState, type NotificationRequested } from '@hub/contracts';
import { HubPublisher } from '@hub/messaging';
import { amqpUrl, createTestSchema, FakeSlack, FakeTeamsWebhook, type TestSchema, uniqueName } from '@hub/testing';
import { createNotifierApp, type NotifierApp } from '../notifier.app.js';
import { loadNotifierConfig } from '../notifier.config.js';

export const SLACK_TOKEN = 'xoxb-test-0000-notifier';

export const ROUTING_YAML = `routes:
  default:
    slack: { channel: '#platform-alerts' }
  oncall:
    slack: { channel: '#oncall' }
    teams: true
`;

export interface HarnessOptions {
  /** Extra or overriding variables (`SLACK_TOKEN: ''` turns Slack off, and so on). */
  env?: Env;
  /** Notifier apps on the same queue (competing consumers, as replicas). */
  replicas?: number;
  /** The routing file's text; `null` writes no file (the built-in routing applies). */
  routing?: string | null;
  /** The teams file's text (`teams.yaml`); none by default (the built-in single team). */
  teams?: string;
}

export interface NotifierHarness {
  readonly slack: FakeSlack;
  readonly teams: FakeTeamsWebhook;
  readonly apps: NotifierApp[];
  readonly queue: string;
  readonly dataDir: string;
  readonly schema: TestSchema;
  /**
   * Publishes a notification.requested; `id` reuses an event id (a redelivery). It comes from the
   * sensor, its only issuer, unless `hubsource` says otherwise (a forgery; undefined: none).
   */
  publish(data: NotificationData, id?: string, hubsource?: string): Promise<HubEvent<NotificationRequested>>;
  close(): Promise<void>;
}

export type NotificationData = Pick<NotificationRequested, 'incidentKey' | 'sequence' | 'state'> &
  Partial<NotificationRequested>;

/** A notification of the S1 example incident in `state`. */
export function update(incidentKey: string, sequence: number, state: IncidentState): NotificationData {
  return { incidentKey, sequence, state, route: state === 'escalated' ? 'oncall' : 'default' };
}

/**
 * The notifier against the real broker (a unique exchange and queue in the run's vhost), a fresh
 * PostgreSQL schema, and loopback Slack and Teams fakes, with fast retry tiers.
 */
export async function startNotifier(options: HarnessOptions = {}): Promise<NotifierHarness> {
  const slack = await new FakeSlack({ token: SLACK_TOKEN }).start();
  const teams = await new FakeTeamsWebhook().start();
  const schema = await createTestSchema();
  const configDir = await mkdtemp(join(tmpdir(), 'hub-notifier-config-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'hub-notifier-data-'));
  if (options.routing !== null) await writeFile(join(configDir, 'notifier.yaml'), options.routing ?? ROUTING_YAML);
  if (options.teams !== undefined) await writeFile(join(configDir, 'teams.yaml'), options.teams);
  const exchange = uniqueName('ex');
  const queue = uniqueName('notifier');
  const env: Env = {
    AMQP_URL: amqpUrl(),
    DATABASE_URL: schema.url,
    HUB_EXCHANGE: exchange,
    HUB_CONFIG_DIR: configDir,
    HUB_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SLACK_TOKEN,
    SLACK_API_URL: slack.url,
    TEAMS_WEBHOOK_URL: teams.webhookUrl,
    NOTIFIER_RETRY_DELAYS_MS: '200,500,1000',
    SLACK_MAX_RATE_LIMIT_WAIT_MS: '1500',
    ...options.env,
  };
  const config = loadNotifierConfig(env);
  const apps: NotifierApp[] = [];
  for (let i = 0; i < (options.replicas ?? 1); i++) {
    const notifier = await createNotifierApp(config, { logger: false, queue, env });
    await notifier.app.startAllMicroservices();
    await notifier.app.init();
    await notifier.server.waitUntilReady();
    apps.push(notifier);
  }
  const publisher = new HubPublisher({ url: amqpUrl(), connectionName: 'notifier-test', exchange });
  await publisher.start();
  await publisher.waitUntilReady();
  return {
    slack,
    teams,
    apps,
    queue,
    dataDir,
    schema,
    async publish(data, id, ...claimed) {
      const full: NotificationRequested = {
        incidentId: `inc-${data.incidentKey}`,
        title: `ArgoCD application ${data.incidentKey} is unhealthy`,
        text: `${data.state} update of ${data.incidentKey}`,
        severity: 'critical',
        fields: { app: 'payments-api', namespace: 'payments' },
        links: [{ title: 'Argo CD', url: 'https://argocd.example/applications/payments-api' }],
        route: 'default',
        kind: 'incident',
        mention: false,
        ...data,
      };
      const event = createEvent({
        id,
        type: 'notification.requested',
        source: '/test/sensor',
        hubsource: claimed.length > 0 ? claimed[0] : HubIssuer.sensor,
        data: full,
        incidentkey: data.incidentKey,
        correlationid: full.incidentId,
      });
      await publisher.publish(event);
      return event;
    },
    async close() {
      await publisher.close();
      for (const { app } of apps) await app.close();
      await Promise.all([slack.stop(), teams.stop()]);
      await schema.drop();
      await rm(configDir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Finds the messages of one incident in the fakes (the incident key is in every message's context). */
export function ofIncident<T extends { blocks?: unknown[]; body?: unknown }>(items: T[], incidentKey: string): T[] {
  return items.filter((item) => JSON.stringify(item.blocks ?? item.body).includes(`\`${incidentKey}\``));
}

/** The Adaptive Cards posted for one incident. */
export function cardsOf(teams: FakeTeamsWebhook, incidentKey: string): Record<string, unknown>[] {
  return teams.cards.filter((card) => JSON.stringify(card).includes(`"value":"${incidentKey}"`));
}
