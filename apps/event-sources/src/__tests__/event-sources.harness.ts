import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HubEvent } from '@hub/contracts';
import { declareExchange } from '@hub/messaging';
import {
  amqpUrl,
  createTestSchema,
  QueueReader,
  RABBITMQ_HOST,
  RABBITMQ_PORT,
  TcpProxy,
  type TestSchema,
  uniqueName,
} from '@hub/testing';
import { createEventSourcesApp, type EventSourcesApp } from '../event-sources.app.js';
import { type EventSourcesConfig, loadEventSourcesConfig } from '../event-sources.config.js';

/** A message the service published, as a consumer of `hub.events` received it. */
export interface BusMessage {
  routingKey: string;
  messageId: string;
  event: HubEvent;
}

/**
 * The service against the real broker and PostgreSQL: one schema, one exchange reached through a
 * TcpProxy (so a test can cut the broker away without touching RabbitMQ), a config directory with
 * the given source files, and a queue bound to `#` that collects every message published.
 */
export class EventSourcesHarness {
  readonly received: BusMessage[] = [];
  private readonly apps: EventSourcesApp[] = [];

  private constructor(
    readonly config: EventSourcesConfig,
    readonly schema: TestSchema,
    readonly configDir: string,
    readonly proxy: TcpProxy,
    private readonly reader: QueueReader,
  ) {}

  static async start(files: Record<string, string>, env: Record<string, string> = {}): Promise<EventSourcesHarness> {
    const configDir = await mkdtemp(join(tmpdir(), 'hub-event-sources-'));
    await mkdir(join(configDir, 'sources'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(configDir, 'sources', name), text);
    const schema = await createTestSchema();
    const proxy = await new TcpProxy(RABBITMQ_HOST, RABBITMQ_PORT).start();
    const vhostUrl = new URL(amqpUrl());
    vhostUrl.port = String(proxy.port);
    const exchange = uniqueName('sources-ex');
    const config = loadEventSourcesConfig({
      AMQP_URL: vhostUrl.toString(),
      DATABASE_URL: schema.url,
      HUB_EXCHANGE: exchange,
      HUB_CONFIG_DIR: configDir,
      LOG_LEVEL: 'silent',
      EVENT_SOURCES_RETRY_MIN_MS: '200',
      EVENT_SOURCES_RETRY_MAX_MS: '1000',
      EVENT_SOURCES_LEASE_TTL_MS: '3000',
      ...env,
    });
    const reader = await QueueReader.open(amqpUrl());
    const harness = new EventSourcesHarness(config, schema, configDir, proxy, reader);
    await declareExchange(reader.channel, exchange);
    const queue = (await reader.channel.assertQueue('', { exclusive: true })).queue;
    await reader.channel.bindQueue(queue, exchange, '#');
    await reader.channel.consume(
      queue,
      (message) => {
        if (!message) return;
        harness.received.push({
          routingKey: message.fields.routingKey,
          messageId: String(message.properties.messageId),
          event: JSON.parse(message.content.toString()) as HubEvent,
        });
      },
      { noAck: true },
    );
    return harness;
  }

  /** The environment a child process of the service needs to run like {@link startApp}. */
  env(): Record<string, string> {
    return Object.fromEntries(
      Object.entries(this.config)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [key, String(value)]),
    );
  }

  async startApp(env: Record<string, string> = {}): Promise<EventSourcesApp> {
    const config = loadEventSourcesConfig({ ...this.env(), ...env });
    const app = await createEventSourcesApp(config, { logger: process.env.TEST_LOGS ? undefined : false });
    await app.app.init();
    await app.publisher.waitUntilReady();
    this.apps.push(app);
    return app;
  }

  async stopApp(app: EventSourcesApp): Promise<void> {
    this.apps.splice(this.apps.indexOf(app), 1);
    await app.app.close();
  }

  ids(type?: string): string[] {
    return this.received.filter((m) => type === undefined || m.routingKey === type).map((m) => m.messageId);
  }

  async close(): Promise<void> {
    for (const app of [...this.apps]) await this.stopApp(app);
    await this.reader.close();
    await this.proxy.stop();
    await this.schema.drop();
    await rm(this.configDir, { recursive: true, force: true });
  }
}
