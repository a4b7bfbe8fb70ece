import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Env } from '@hub/config';
import { createEvent, type HubEvent, HubIssuer, type TicketRequested } from '@hub/contracts';
import { HubPublisher } from '@hub/messaging';
import {
  amqpUrl,
  createTestSchema,
  FakeJiraCloud,
  type FakeJiraOptions,
  FakeJiraServer,
  FakeServiceNow,
  type TestSchema,
  uniqueName,
} from '@hub/testing';
import { createTicketingApp, type TicketingApp } from '../ticketing.app.js';
import { loadTicketingConfig } from '../ticketing.config.js';

/** The projects of config/teams.yaml, as the fake JIRA knows them. */
export const JIRA_PROJECTS: FakeJiraOptions['projects'] = [
  { key: 'PLAT' },
  { key: 'SEC', components: ['runtime-security'] },
  { key: 'PAY' },
];

export type Vendor = 'jira-cloud' | 'jira-server' | 'servicenow' | 'outbox';

export interface HarnessOptions {
  vendor: Vendor;
  env?: Env;
  replicas?: number;
  jira?: FakeJiraOptions;
}

export interface TicketingHarness {
  readonly jira?: FakeJiraCloud | FakeJiraServer;
  readonly servicenow?: FakeServiceNow;
  readonly apps: TicketingApp[];
  readonly queue: string;
  readonly dataDir: string;
  readonly schema: TestSchema;
  /**
   * Publishes a ticket.requested; `id` reuses an event id (a redelivery). It comes from the sensor,
   * its only issuer, unless `hubsource` says otherwise (a forgery; undefined: none).
   */
  publish(data: TicketData, id?: string, hubsource?: string): Promise<HubEvent<TicketRequested>>;
  /** The `tickets` rows of a fingerprint, oldest first. */
  rows(fingerprint: string): Promise<{ status: string; display_key: string | null; resolution: string | null }[]>;
  close(): Promise<void>;
}

export type TicketData = Pick<TicketRequested, 'operation' | 'fingerprint'> & Partial<TicketRequested>;

/** An `open` or `resolve` of the S4 example: a privileged pod, owned by `team`. */
export function request(
  operation: 'open' | 'resolve',
  fingerprint: string,
  extra: Partial<TicketRequested> = {},
): TicketData {
  return { operation, fingerprint, ...extra };
}

/**
 * The ticketing service against the real broker (a unique exchange and queue in the run's vhost),
 * a fresh PostgreSQL schema, the repository's teams.yaml, and the vendor fake of `vendor`.
 */
export async function startTicketing(options: HarnessOptions): Promise<TicketingHarness> {
  const schema = await createTestSchema();
  const configDir = await mkdtemp(join(tmpdir(), 'hub-ticketing-config-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'hub-ticketing-data-'));
  await copyFile(join(import.meta.dirname, '../../../../config/teams.yaml'), join(configDir, 'teams.yaml'));
  let jira: FakeJiraCloud | FakeJiraServer | undefined;
  let servicenow: FakeServiceNow | undefined;
  let vendorEnv: Env = {};
  if (options.vendor === 'jira-cloud') {
    const cloud = await new FakeJiraCloud({ projects: JIRA_PROJECTS, ...options.jira }).start();
    jira = cloud;
    vendorEnv = { JIRA_HOST: cloud.url, JIRA_EMAIL: cloud.email, JIRA_API_TOKEN: cloud.apiToken };
  } else if (options.vendor === 'jira-server') {
    const server = await new FakeJiraServer({ projects: JIRA_PROJECTS, ...options.jira }).start();
    jira = server;
    vendorEnv = { JIRA_HOST: server.url, JIRA_API_VERSION: '2', JIRA_PAT: server.pat };
  } else if (options.vendor === 'servicenow') {
    servicenow = await new FakeServiceNow().start();
    vendorEnv = {
      SERVICENOW_URL: servicenow.url,
      SERVICENOW_USER: servicenow.user,
      SERVICENOW_PASSWORD: servicenow.password,
    };
  }
  const exchange = uniqueName('ex');
  const queue = uniqueName('ticketing');
  const config = loadTicketingConfig({
    AMQP_URL: amqpUrl(),
    DATABASE_URL: schema.url,
    HUB_EXCHANGE: exchange,
    HUB_CONFIG_DIR: configDir,
    HUB_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    TICKETING_RETRY_DELAYS_MS: '200,500,1000',
    TICKETING_MAX_RATE_LIMIT_WAIT_MS: '1500',
    TICKETING_CLAIM_SETTLE_MS: '1000',
    ...vendorEnv,
    ...options.env,
  });
  const apps: TicketingApp[] = [];
  for (let i = 0; i < (options.replicas ?? 1); i++) {
    const ticketing = await createTicketingApp(config, { logger: false, queue });
    await ticketing.app.startAllMicroservices();
    await ticketing.app.init();
    await ticketing.server.waitUntilReady();
    apps.push(ticketing);
  }
  const publisher = new HubPublisher({ url: amqpUrl(), connectionName: 'ticketing-test', exchange });
  await publisher.start();
  await publisher.waitUntilReady();
  return {
    jira,
    servicenow,
    apps,
    queue,
    dataDir,
    schema,
    async publish(data, id, ...claimed) {
      const full: TicketRequested = {
        incidentKey: data.fingerprint,
        incidentId: `inc-${data.fingerprint}`,
        state: data.operation === 'open' ? 'firing' : 'resolved',
        summary: `Privileged pod payments/api-7d9 violates disallow-privileged`,
        description: 'Kyverno reported a privileged container in payments/api-7d9.',
        severity: 'critical',
        labels: ['policy', 'kyverno'],
        fields: { namespace: 'payments', pod: 'api-7d9', policy: 'disallow-privileged' },
        links: [{ title: 'Runbook', url: 'https://runbooks.example/policy/privileged' }],
        timeline: [{ at: '2026-11-23T06:00:00.000Z', state: 'firing', text: 'privileged: true' }],
        ...data,
      };
      const event = createEvent({
        id,
        type: 'ticket.requested',
        source: '/test/sensor',
        hubsource: claimed.length > 0 ? claimed[0] : HubIssuer.sensor,
        data: full,
        incidentkey: full.incidentKey,
        correlationid: full.incidentId,
      });
      await publisher.publish(event);
      return event;
    },
    async rows(fingerprint) {
      const { rows } = await schema.pool.query<{
        status: string;
        display_key: string | null;
        resolution: string | null;
      }>('SELECT status, display_key, resolution FROM tickets WHERE fingerprint = $1 ORDER BY id', [fingerprint]);
      return rows;
    },
    async close() {
      await publisher.close();
      for (const { app } of apps) await app.close();
      await Promise.all([jira?.stop(), servicenow?.stop()]);
      await schema.drop();
      await rm(configDir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Writes `text` as the teams file of a config folder (for start-up error tests). */
export async function teamsDir(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hub-ticketing-teams-'));
  await writeFile(join(dir, 'teams.yaml'), text);
  return dir;
}
