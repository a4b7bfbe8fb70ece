import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ScheduleFired, type HubEvent } from '@hub/contracts';
import { declareExchange } from '@hub/messaging';
import { amqpUrl, createTestSchema, QueueReader, type TestSchema, uniqueName } from '@hub/testing';
import { createSchedulerApp, type SchedulerApp } from '../scheduler.app.js';
import { type Clock, loadSchedulerConfig, type SchedulerConfig } from '../scheduler.config.js';

/** A message the scheduler published, as a consumer received it. */
export interface FiredMessage {
  routingKey: string;
  messageId: string;
  event: HubEvent<ScheduleFired>;
}

/** A clock a test sets by hand. */
export class FakeClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current);
  }

  set(iso: string): void {
    this.current = new Date(iso);
  }
}

/**
 * Scheduler replicas against the real broker and PostgreSQL: one schema, one exchange, a config
 * directory with the given schedule files, and a queue bound to `schedule.fired.#` that collects
 * every message they publish.
 */
export class SchedulerHarness {
  readonly fired: FiredMessage[] = [];
  private readonly replicas: SchedulerApp[] = [];

  private constructor(
    readonly config: SchedulerConfig,
    readonly schema: TestSchema,
    private readonly configDir: string,
    private readonly reader: QueueReader,
  ) {}

  static async start(files: Record<string, string>, env: Record<string, string> = {}): Promise<SchedulerHarness> {
    const configDir = await mkdtemp(join(tmpdir(), 'hub-scheduler-'));
    await mkdir(join(configDir, 'schedules'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(configDir, 'schedules', name), text);
    const schema = await createTestSchema();
    const exchange = uniqueName('scheduler-ex');
    const config = loadSchedulerConfig({
      AMQP_URL: amqpUrl(),
      DATABASE_URL: schema.url,
      HUB_EXCHANGE: exchange,
      HUB_CONFIG_DIR: configDir,
      LOG_LEVEL: 'silent',
      SCHEDULER_TICK_MS: '200',
      ...env,
    });
    const reader = await QueueReader.open(amqpUrl());
    const harness = new SchedulerHarness(config, schema, configDir, reader);
    await declareExchange(reader.channel, exchange);
    const queue = (await reader.channel.assertQueue('', { exclusive: true })).queue;
    await reader.channel.bindQueue(queue, exchange, 'schedule.fired.#');
    await reader.channel.consume(
      queue,
      (message) => {
        if (!message) return;
        harness.fired.push({
          routingKey: message.fields.routingKey,
          messageId: String(message.properties.messageId),
          event: JSON.parse(message.content.toString()) as HubEvent<ScheduleFired>,
        });
      },
      { noAck: true },
    );
    return harness;
  }

  /** Starts one more replica (its own database pool and broker connection). */
  async startReplica(clock?: Clock, env: Record<string, string> = {}): Promise<SchedulerApp> {
    const config = loadSchedulerConfig({ ...envOf(this.config), ...env });
    const replica = await createSchedulerApp(config, { logger: process.env.TEST_LOGS ? undefined : false, clock });
    await replica.app.init();
    await replica.publisher.waitUntilReady();
    this.replicas.push(replica);
    return replica;
  }

  async stopReplica(replica: SchedulerApp): Promise<void> {
    this.replicas.splice(this.replicas.indexOf(replica), 1);
    await replica.app.close();
  }

  firedOf(schedule: string): FiredMessage[] {
    return this.fired.filter((m) => m.event.data.schedule === schedule);
  }

  async close(): Promise<void> {
    for (const replica of [...this.replicas]) await this.stopReplica(replica);
    await this.reader.close();
    await this.schema.drop();
    await rm(this.configDir, { recursive: true, force: true });
  }
}

/** Settings parsed from a duration (`30s`) to milliseconds: written back with their unit. */
const DURATIONS: ReadonlySet<string> = new Set([
  'HUB_PROCESSED_RETENTION',
  'HUB_RETENTION_SWEEP',
  'HUB_SHUTDOWN_GRACE',
]);

function envOf(config: SchedulerConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, DURATIONS.has(key) ? `${String(value)}ms` : String(value)]),
  );
}
