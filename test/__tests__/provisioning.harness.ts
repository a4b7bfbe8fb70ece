import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadGatewayConfig } from '@hub/config';
import { type HubEvent, type ProvisioningUpdated } from '@hub/contracts';
import { createDatabase, type Database, migrateToLatest } from '@hub/database';
import { HubPublisher, type HubRmqServer } from '@hub/messaging';
import {
  amqpUrl,
  createTestSchema,
  FakeGitHub,
  FakeKubernetesCluster,
  FakeSlack,
  QueueReader,
  type TestSchema,
  uniqueName,
  waitFor,
} from '@hub/testing';
import { createGatewayApp } from '../../apps/ingest-gateway/src/gateway.app.js';
import { createNotifierApp, loadNotifierConfig } from '../../apps/notifier/src/index.js';
import {
  createRemediationExecutorApp,
  loadRemediationExecutorConfig,
} from '../../apps/remediation-executor/src/index.js';

export const BACKSTAGE_TOKEN = 'backstage-e2e-token';
export const CONFIG_DIR = new URL('../../config', import.meta.url).pathname;
export const REPO = 'acme/payments-api';

/** A request body as Backstage's `hub:provision` action posts it. */
export function newApp(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appName: 'payments-api',
    repositoryUrl: `https://github.com/${REPO}`,
    ownerTeam: 'group:default/payments',
    requestedBy: 'user:default/alice',
    quota: { cpu: '4', memory: '8Gi', pods: 30 },
    ...overrides,
  };
}

/** One `GET /v1/requests/{id}` answer. */
export interface StatusBody {
  id: string;
  status: string;
  reasons: string[];
  steps: { name: string; status: string; attempts: number; error?: string; startedAt: string | null }[];
  links: Record<string, string>;
  traceId: string | null;
}

/**
 * S3 end to end in one process: the gateway (HTTP), the executor and the notifier on their own
 * queues of a unique exchange, one schema, loopback Kubernetes, GitHub and Slack. `startExecutor:
 * false` leaves the executor to the test (a child process).
 */
export class ProvisioningHarness {
  readonly audit: HubEvent<ProvisioningUpdated>[] = [];
  private executor?: { app: INestApplication; server: HubRmqServer };
  private readonly replicas: INestApplication[] = [];
  /** The executor's queue: unique, so two harnesses never take each other's requests. */
  readonly executorQueue = uniqueName('remediation-executor');

  private constructor(
    readonly env: Record<string, string>,
    readonly schema: TestSchema,
    readonly db: Database,
    readonly kube: FakeKubernetesCluster,
    readonly github: FakeGitHub,
    readonly slack: FakeSlack,
    readonly gatewayUrl: string,
    private readonly gateway: NestFastifyApplication,
    private readonly notifier: { app: INestApplication },
    private readonly reader: QueueReader,
    private readonly dataDir: string,
  ) {}

  static async start(options: { startExecutor?: boolean; env?: Record<string, string | undefined> } = {}) {
    const schema = await createTestSchema();
    const db = createDatabase(schema.url, 2).db;
    await migrateToLatest(db);
    const dataDir = await mkdtemp(join(tmpdir(), 'hub-s3-'));
    const kube = await new FakeKubernetesCluster().start();
    kube.addNamespace('argocd');
    const github = await new FakeGitHub().addRepo(REPO).start();
    const slack = await new FakeSlack().start();
    const all: Record<string, string | undefined> = {
      AMQP_URL: amqpUrl(),
      DATABASE_URL: schema.url,
      HUB_EXCHANGE: uniqueName('s3'),
      HUB_CONFIG_DIR: CONFIG_DIR,
      HUB_DATA_DIR: dataDir,
      HUB_INGEST_TOKENS: `backstage:${BACKSTAGE_TOKEN}`,
      LOG_LEVEL: 'silent',
      HUB_ACTION_MAX_ATTEMPTS: '3',
      HUB_ACTION_BACKOFF_MS: '20',
      HUB_ACTION_BACKOFF_MAX_MS: '100',
      KUBE_API_URL: kube.url,
      KUBE_TOKEN: kube.token,
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: github.token,
      SLACK_TOKEN: 'xoxb-s3',
      SLACK_API_URL: slack.url,
      ...options.env,
    };
    const env = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const reader = await QueueReader.open(env.AMQP_URL!);
    const notifier = await createNotifierApp(loadNotifierConfig(env), { logger: false, queue: uniqueName('notifier') });
    await notifier.app.init();
    await notifier.app.startAllMicroservices();
    await notifier.server.waitUntilReady(20_000);
    const gateway: NestFastifyApplication = await createGatewayApp(loadGatewayConfig(env));
    await gateway.get(HubPublisher).waitUntilReady();
    await gateway.listen(0, '127.0.0.1');
    const harness = new ProvisioningHarness(
      env,
      schema,
      db,
      kube,
      github,
      slack,
      await gateway.getUrl(),
      gateway,
      notifier,
      reader,
      dataDir,
    );
    const audit = (await reader.channel.assertQueue('', { exclusive: true })).queue;
    await reader.channel.bindQueue(audit, env.HUB_EXCHANGE!, 'provisioning.updated');
    await reader.channel.consume(
      audit,
      (message) =>
        message && harness.audit.push(JSON.parse(message.content.toString()) as HubEvent<ProvisioningUpdated>),
      { noAck: true },
    );
    if (options.startExecutor !== false) await harness.startExecutor();
    return harness;
  }

  /** The executor in this process, on this harness's queue. */
  async startExecutor(queue = this.executorQueue): Promise<void> {
    const executor = await createRemediationExecutorApp(loadRemediationExecutorConfig(this.env), {
      logger: false,
      queue,
    });
    await executor.app.init();
    await executor.app.startAllMicroservices();
    await executor.server.waitUntilReady(20_000);
    this.executor = executor;
  }

  /** Another executor on the same queue and database (competing consumers). */
  async startReplica(): Promise<{ app: INestApplication; publisher: HubPublisher }> {
    const replica = await createRemediationExecutorApp(loadRemediationExecutorConfig(this.env), {
      logger: false,
      queue: this.executorQueue,
    });
    await replica.app.init();
    await replica.app.startAllMicroservices();
    await replica.server.waitUntilReady(20_000);
    this.replicas.push(replica.app);
    return replica;
  }

  /** POSTs a provisioning request (optionally with an Idempotency-Key). */
  submit(body: unknown, idempotencyKey?: string): Promise<Response> {
    return fetch(`${this.gatewayUrl}/v1/requests`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${BACKSTAGE_TOKEN}`,
        'content-type': 'application/json',
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: JSON.stringify(body),
    });
  }

  async status(id: string): Promise<StatusBody> {
    const response = await fetch(`${this.gatewayUrl}/v1/requests/${id}`, {
      headers: { authorization: `Bearer ${BACKSTAGE_TOKEN}` },
    });
    return (await response.json()) as StatusBody;
  }

  /** Waits until the request ends, and checks it ended `status` (the whole status in the failure). */
  async finished(id: string, status: string, timeoutMs = 20_000): Promise<StatusBody> {
    const body = await waitFor(
      `request ${id} ${status}`,
      async () => {
        const current = await this.status(id);
        return ['rejected', 'succeeded', 'failed', 'rolled-back'].includes(current.status) ? current : undefined;
      },
      { timeoutMs },
    );
    if (body.status !== status)
      throw new Error(`request ${id} ended ${body.status}, not ${status}: ${JSON.stringify(body)}`);
    return body;
  }

  auditOf(id: string): ProvisioningUpdated[] {
    return this.audit.filter((e) => e.data.requestId === id).map((e) => e.data);
  }

  async stopExecutor(): Promise<void> {
    await this.executor?.app.close();
    this.executor = undefined;
  }

  async close(): Promise<void> {
    await this.gateway.close();
    for (const replica of this.replicas) await replica.close();
    await this.stopExecutor();
    await this.notifier.app.close();
    await this.reader.close();
    await this.db.destroy();
    await Promise.all([this.kube.stop(), this.github.stop(), this.slack.stop()]);
    await this.schema.drop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
