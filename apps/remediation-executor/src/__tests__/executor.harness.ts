import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConsumeMessage, type GetMessage } from 'amqplib';
import { type ActionRequested, type ActionResult, createEvent, type HubEvent, HubIssuer } from '@hub/contracts';
import { type ActionRun, createDatabase, type Database } from '@hub/database';
import { HubPublisher } from '@hub/messaging';
import {
  amqpUrl,
  createTestSchema,
  FakeArgoCd,
  FakeKubernetesApi,
  QueueReader,
  type TestSchema,
  uniqueName,
  waitFor,
} from '@hub/testing';
import { createRemediationExecutorApp, type RemediationExecutorApp } from '../remediation-executor.app.js';
import { loadRemediationExecutorConfig, type RemediationExecutorConfig } from '../remediation-executor.config.js';

export interface ReceivedResult {
  routingKey: string;
  event: HubEvent<ActionResult>;
}

export interface RequestOptions {
  actionId?: string;
  params?: Record<string, unknown>;
  dryRun?: boolean;
  incidentkey?: string;
  correlationid?: string;
  /** Who the request claims to come from; default the sensor, its only issuer. */
  hubsource?: string;
}

/**
 * The executor as it runs in production (real broker, real PostgreSQL), with loopback Argo CD and
 * Kubernetes fakes, a publisher for requests and a queue that collects the results it publishes.
 * `env` overrides the defaults; an `undefined` value removes a variable (e.g. ARGOCD_URL).
 */
export class ExecutorHarness {
  readonly results: ReceivedResult[] = [];

  private readonly replicas: RemediationExecutorApp[] = [];

  private constructor(
    readonly config: RemediationExecutorConfig,
    readonly queue: string,
    readonly executor: RemediationExecutorApp,
    readonly argo: FakeArgoCd,
    readonly kube: FakeKubernetesApi,
    readonly schema: TestSchema,
    readonly db: Database,
    readonly dataDir: string,
    private readonly publisher: HubPublisher,
    private readonly reader: QueueReader,
  ) {}

  static async start(env: Record<string, string | undefined> = {}): Promise<ExecutorHarness> {
    const argo = await new FakeArgoCd().start();
    const kube = await new FakeKubernetesApi().start();
    const schema = await createTestSchema();
    const dataDir = await mkdtemp(join(tmpdir(), 'hub-executor-'));
    const exchange = uniqueName('executor-ex');
    const config = loadRemediationExecutorConfig({
      AMQP_URL: amqpUrl(),
      DATABASE_URL: schema.url,
      HUB_EXCHANGE: exchange,
      HUB_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ARGOCD_URL: argo.url,
      ARGOCD_TOKEN: argo.token,
      ARGOCD_POLL_INTERVAL_MS: '20',
      ARGOCD_SYNC_TIMEOUT_MS: '15000',
      KUBE_API_URL: kube.url,
      KUBE_TOKEN: kube.token,
      HUB_ACTION_BACKOFF_MS: '20',
      HUB_ACTION_BACKOFF_MAX_MS: '100',
      HUB_ACTION_LOCK_WAIT_MS: '60000',
      HUB_ACTION_CONCURRENCY: '4',
      ...env,
    });
    const queue = uniqueName('remediation-executor');
    const executor = await startExecutor(config, queue).catch(async (error: unknown) => {
      await Promise.allSettled([
        argo.stop(),
        kube.stop(),
        schema.drop(),
        rm(dataDir, { recursive: true, force: true }),
      ]);
      throw error;
    });

    const publisher = new HubPublisher({ url: amqpUrl(), connectionName: 'executor-test', exchange });
    await publisher.start();
    await publisher.waitUntilReady();
    const reader = await QueueReader.open(amqpUrl());
    const harness = new ExecutorHarness(
      config,
      queue,
      executor,
      argo,
      kube,
      schema,
      createDatabase(schema.url, 2).db,
      dataDir,
      publisher,
      reader,
    );
    const results = (await reader.channel.assertQueue('', { exclusive: true })).queue;
    for (const key of ['action.succeeded', 'action.failed']) await reader.channel.bindQueue(results, exchange, key);
    await reader.channel.consume(results, (message) => message && harness.collect(message), { noAck: true });
    return harness;
  }

  /** Another replica of the executor: same database, same queue (competing consumers). */
  async startReplica(): Promise<RemediationExecutorApp> {
    const replica = await startExecutor(this.config, this.queue);
    this.replicas.push(replica);
    return replica;
  }

  /** Publishes `action.requested.<kind>` as the sensor would; returns the event. */
  async request(kind: string, target: string, options: RequestOptions = {}): Promise<HubEvent<ActionRequested>> {
    const event = requestEvent(kind, target, options);
    await this.publisher.publish(event);
    return event;
  }

  /** Publishes any envelope as it is (a forgery, say). */
  async publish(event: HubEvent): Promise<void> {
    await this.publisher.publish(event);
  }

  /** The message of event `id` once the executor parked it in its DLQ. */
  parked(id: string): Promise<GetMessage> {
    return this.reader.parked(this.queue, id);
  }

  /** The first result published for `actionId`. */
  result(actionId: string, timeoutMs = 20_000): Promise<ReceivedResult> {
    return waitFor(
      `a result for action ${actionId}`,
      () => this.results.find((r) => r.event.data.actionId === actionId),
      { timeoutMs },
    );
  }

  resultsOf(actionId: string): ReceivedResult[] {
    return this.results.filter((r) => r.event.data.actionId === actionId);
  }

  async run(actionId: string): Promise<ActionRun | undefined> {
    return this.db.selectFrom('action_runs').selectAll().where('action_id', '=', actionId).executeTakeFirst();
  }

  async close(): Promise<void> {
    for (const replica of this.replicas) await replica.app.close();
    await this.executor.app.close();
    await this.publisher.close();
    await this.reader.close();
    await this.db.destroy();
    await this.argo.stop();
    await this.kube.stop();
    await this.schema.drop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private collect(message: ConsumeMessage): void {
    this.results.push({
      routingKey: message.fields.routingKey,
      event: JSON.parse(message.content.toString()) as HubEvent<ActionResult>,
    });
  }
}

/** An `action.requested.<kind>` envelope as the sensor builds it. */
export function requestEvent(kind: string, target: string, options: RequestOptions = {}): HubEvent<ActionRequested> {
  return createEvent<ActionRequested>({
    type: `action.requested.${kind}`,
    source: '/hub/sensor',
    hubsource: 'hubsource' in options ? options.hubsource : HubIssuer.sensor,
    data: {
      actionId: options.actionId ?? crypto.randomUUID(),
      kind,
      target,
      params: options.params ?? {},
      dryRun: options.dryRun ?? false,
    },
    incidentkey: options.incidentkey ?? `fp-${target}`,
    correlationid: options.correlationid ?? crypto.randomUUID(),
  });
}

async function startExecutor(config: RemediationExecutorConfig, queue: string): Promise<RemediationExecutorApp> {
  const executor = await createRemediationExecutorApp(config, {
    logger: process.env.TEST_LOGS ? undefined : false,
    queue,
  });
  await executor.app.startAllMicroservices();
  await executor.app.init();
  await executor.server.waitUntilReady();
  await executor.publisher.waitUntilReady();
  return executor;
}
