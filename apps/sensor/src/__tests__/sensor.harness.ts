import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GetMessage } from 'amqplib';
import { type Env } from '@hub/config';
import { type ActionResult, type AlertData, createEvent, type HubEvent, HubIssuer } from '@hub/contracts';
import { HubPublisher } from '@hub/messaging';
import { amqpUrl, createTestSchema, QueueReader, type TestSchema, uniqueName, waitFor } from '@hub/testing';
import { createSensorApp, type SensorApp } from '../sensor.app.js';
import { loadSensorConfig, type SensorConfig } from '../sensor.config.js';

/** An `incidents` row as the tests read it. */
export interface IncidentRecord {
  id: string;
  key: string;
  sensor: string;
  status: string;
  sequence: number;
  fire_count: number;
  action_id: string | null;
  opened_at: Date;
  remediated_at: Date | null;
  resolved_at: Date | null;
}

/** The incidents of `key`, oldest first. */
export async function incidentsOf(schema: TestSchema, key: string): Promise<IncidentRecord[]> {
  const { rows } = await schema.pool.query<IncidentRecord>(
    'SELECT * FROM incidents WHERE key = $1 ORDER BY opened_at',
    [key],
  );
  return rows;
}

/** The repository's shipped sensors (`config/sensors`). */
export const SHIPPED_SENSORS = new URL('../../../../config/sensors', import.meta.url).pathname;

/** Sensor files for a test: the shipped ones, with text replacements (shorter durations…), plus extra files. */
export interface SensorFiles {
  readonly replace?: readonly (readonly [string, string])[];
  readonly extra?: Record<string, string>;
  /** Keep only these shipped files (so other shipped sensors' messages do not mix into a test's count). */
  readonly only?: readonly string[];
}

export interface SensorHarness extends SensorApp {
  readonly exchange: string;
  readonly queue: string;
  readonly schema: TestSchema;
  readonly publisher: HubPublisher;
  /** Publishes events as the gateway or the executor would. */
  publish(...events: HubEvent[]): Promise<void>;
  /** Waits for `count` more events published by the sensor (notifications, action requests). */
  received(count: number, timeoutMs?: number): Promise<HubEvent[]>;
  /** Events published beyond those taken by `received`, after a settling pause. */
  unexpected(pauseMs?: number): Promise<HubEvent[]>;
  /** A second sensor app on the same queue, exchange and schema: another replica. */
  startReplica(): Promise<SensorApp & { close(): Promise<void> }>;
  /** Messages the sensor parked in its dead-letter queue. */
  parked(): Promise<number>;
  /** The message of event `id` once the sensor parked it in its dead-letter queue. */
  parkedMessage(id: string): Promise<GetMessage>;
  close(): Promise<void>;
}

/**
 * Everything a sensor runs against, without the sensor: its own exchange, queue name, PostgreSQL
 * schema and config directory, a publisher, and a queue reading what sensors publish. The sensor
 * itself runs in this process ({@link startSensor}) or in child processes ({@link startSensorProcess}).
 */
export interface SensorWorld {
  readonly exchange: string;
  readonly queue: string;
  readonly schema: TestSchema;
  readonly configDir: string;
  readonly config: SensorConfig;
  /** The variables a sensor process needs to join this world. */
  readonly env: Record<string, string>;
  readonly publisher: HubPublisher;
  /** Publishes events as the gateway or the executor would. */
  publish(...events: HubEvent[]): Promise<void>;
  /** Waits for `count` more events published by the sensor (notifications, action requests, tickets); 20 s unless told. */
  received(count: number, timeoutMs?: number): Promise<HubEvent[]>;
  /** Events published beyond those taken by `received`, after a settling pause. */
  unexpected(pauseMs?: number): Promise<HubEvent[]>;
  /** Messages the sensor parked in its dead-letter queue. */
  parked(): Promise<number>;
  /** The message of event `id` once the sensor parked it in its dead-letter queue. */
  parkedMessage(id: string): Promise<GetMessage>;
  close(): Promise<void>;
}

export async function createSensorWorld(files: SensorFiles = {}, env: Env = {}): Promise<SensorWorld> {
  const configDir = await mkdtemp(join(tmpdir(), 'hub-sensor-'));
  await cp(SHIPPED_SENSORS, join(configDir, 'sensors'), { recursive: true });
  await cp(join(SHIPPED_SENSORS, '../teams.yaml'), join(configDir, 'teams.yaml'));
  if (files.only) {
    for (const name of await readdir(join(configDir, 'sensors'))) {
      if (!files.only.includes(name)) await rm(join(configDir, 'sensors', name));
    }
  }
  for (const name of ['slo-remediation.yaml', 'externalsecret-refresh.yaml']) {
    if (files.only && !files.only.includes(name)) continue;
    const path = join(configDir, 'sensors', name);
    let text = await readFile(path, 'utf8');
    for (const [from, to] of files.replace ?? []) text = text.replaceAll(from, to);
    await writeFile(path, text);
  }
  for (const [name, text] of Object.entries(files.extra ?? {})) await writeFile(join(configDir, 'sensors', name), text);
  const schema = await createTestSchema();
  const exchange = uniqueName('sensor-ex');
  const queue = uniqueName('sensor');
  const variables = {
    AMQP_URL: amqpUrl(),
    DATABASE_URL: schema.url,
    HUB_EXCHANGE: exchange,
    HUB_CONFIG_DIR: configDir,
    SENSOR_RETRY_DELAYS_MS: '200,500,1000,2000,4000',
    LOG_LEVEL: 'silent',
    ...(env as Record<string, string>),
  };
  const config = loadSensorConfig(variables);
  const publisher = new HubPublisher({ url: amqpUrl(), connectionName: 'test-publisher', exchange });
  await publisher.start();
  await publisher.waitUntilReady();
  const reader = await QueueReader.open(amqpUrl());
  const readQueue = (await reader.channel.assertQueue('', { exclusive: true })).queue;
  for (const pattern of ['notification.requested', 'action.requested.#', 'ticket.requested']) {
    await reader.channel.bindQueue(readQueue, exchange, pattern);
  }
  const pending: HubEvent[] = [];
  const take = async () => {
    for (const message of await reader.drain(readQueue))
      pending.push(JSON.parse(message.content.toString()) as HubEvent);
    return pending;
  };
  return {
    exchange,
    queue,
    schema,
    configDir,
    config,
    env: { ...variables, SENSOR_QUEUE_NAME: queue },
    publisher,
    async publish(...events) {
      await Promise.all(events.map((event) => publisher.publish(event)));
    },
    async received(count, timeoutMs = 20_000) {
      try {
        await waitFor(`${count} events from the sensor`, async () => (await take()).length >= count, { timeoutMs });
      } catch (error) {
        // What did come belongs to this wait: left pending, it would pass for the next test's events.
        const came = pending.splice(0);
        const what = came.map((e) => `${e.type} ${e.incidentkey ?? e.subject ?? e.id}`).join(', ');
        throw new Error(`${(error as Error).message}; ${came.length} came: ${what || 'none'}`, { cause: error });
      }
      return pending.splice(0, count);
    },
    async unexpected(pauseMs = 500) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      return (await take()).splice(0);
    },
    parked: () => reader.depth(`${queue}.dlq`),
    parkedMessage: (id) => reader.parked(queue, id),
    async close() {
      await publisher.close();
      await reader.close();
      await schema.drop();
      await rm(configDir, { recursive: true, force: true });
    },
  };
}

export interface SensorHarness extends SensorWorld, SensorApp {
  /** A second sensor app on the same queue, exchange and schema: another replica. */
  startReplica(): Promise<SensorApp & { close(): Promise<void> }>;
}

/** The sensor in this process, in its own world (exchange, queue, schema). */
export async function startSensor(files: SensorFiles = {}, env: Env = {}): Promise<SensorHarness> {
  const world = await createSensorWorld(files, env);
  const start = async () => {
    const sensor = await createSensorApp(world.config, { logger: false, queue: world.queue });
    await sensor.app.init();
    await sensor.app.startAllMicroservices();
    await sensor.server.waitUntilReady();
    return sensor;
  };
  const sensor = await start();
  return {
    ...world,
    ...sensor,
    async startReplica() {
      const replica = await start();
      return { ...replica, close: () => replica.app.close() };
    },
    async close() {
      await sensor.app.close();
      await world.close();
    },
  };
}

/**
 * A sensor running as its own process (`sensor-process.ts`), joined to `world`; prints READY when
 * consuming. Silent by default; `HUB_TEST_SENSOR_LOG=debug` (any pino level) makes it log to
 * stdout, kept in `lines` — what a test prints when the process does not do what it expected.
 */
export interface SensorProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  ready(): Promise<void>;
  /** Kills the process (SIGKILL: no graceful shutdown) and waits for it to exit. */
  kill(): Promise<void>;
}

const PROCESS_FIXTURE = new URL('./sensor-process.ts', import.meta.url).pathname;

export function startSensorProcess(world: SensorWorld): SensorProcess {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', PROCESS_FIXTURE], {
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: 'tsconfig.spec.json',
      ...world.env,
      ...(process.env.HUB_TEST_SENSOR_LOG ? { LOG_LEVEL: process.env.HUB_TEST_SENSOR_LOG } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  return {
    child,
    lines,
    async ready() {
      // A process that dies at start (its error is on stderr) fails the wait at once, not as a hang.
      const exited = new Promise<never>((_, reject) => {
        const fail = () =>
          reject(
            new Error(`the sensor process exited (${child.exitCode ?? child.signalCode}) before READY: see its stderr`),
          );
        if (child.exitCode !== null || child.signalCode !== null) fail();
        else child.once('exit', fail);
      });
      exited.catch(() => undefined);
      // A cold start compiles the sensor's sources (tsx); beside a whole CI run on two cores that
      // has taken over 30 s: a bound for a hung start, not a deadline.
      await Promise.race([
        waitFor('sensor process ready', () => lines.includes('READY'), { timeoutMs: 90_000 }),
        exited,
      ]);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** An `alert.firing` / `alert.resolved` event as the gateway makes it from an Alertmanager webhook. */
export function alertEvent(
  status: 'firing' | 'resolved',
  labels: Record<string, string>,
  fingerprint: string,
  extra: Partial<AlertData> = {},
): HubEvent<AlertData> {
  return createEvent({
    type: `alert.${status}`,
    source: '/alertmanager/hub-gateway',
    subject: labels.alertname,
    incidentkey: fingerprint,
    hubsource: 'alertmanager',
    data: {
      status,
      fingerprint,
      labels,
      annotations: { summary: `${labels.alertname} on ${labels.name}` },
      startsAt: '2025-11-20T09:14:32.118Z',
      generatorURL: 'http://prometheus.monitoring.svc:9090/graph?g0.expr=argocd_app_info',
      externalURL: 'http://alertmanager.monitoring.svc:9093',
      receiver: 'hub-gateway',
      ...extra,
    },
  });
}

/** The labels of S1's alert (examples/alertmanager/argocd-unhealthy.json). */
export function argocdLabels(name = 'payments-api', namespace = 'payments'): Record<string, string> {
  return {
    alertname: 'ArgoCDApplicationUnhealthy',
    slo: 'argocd-application-health',
    name,
    dest_namespace: namespace,
    namespace: 'argocd',
    severity: 'warning',
  };
}

/** The executor's verdict on an action request, with the envelope extensions copied as it does. */
export function actionResult(
  request: HubEvent,
  succeeded: boolean,
  reason?: string,
  details: Record<string, unknown> = {},
): HubEvent<ActionResult> {
  const data = request.data as { actionId: string; kind: string; target: string; dryRun: boolean };
  return createEvent({
    type: succeeded ? 'action.succeeded' : 'action.failed',
    source: '/remediation-executor',
    hubsource: HubIssuer.executor,
    subject: data.target,
    incidentkey: request.incidentkey,
    correlationid: request.correlationid,
    data: {
      actionId: data.actionId,
      kind: data.kind,
      target: data.target,
      attempts: succeeded ? 1 : 3,
      durationMs: 1234,
      dryRun: data.dryRun,
      details,
      ...(reason ? { reason } : {}),
    },
  });
}

/** `schedule.fired.<name>` of one slot, as the scheduler publishes it. */
export function scheduleFired(
  schedule: string,
  slot: string,
  params: Record<string, unknown>,
  hubsource: string | undefined = HubIssuer.scheduler,
): HubEvent {
  return createEvent({
    type: `schedule.fired.${schedule}`,
    source: '/hub/scheduler',
    hubsource,
    subject: schedule,
    time: slot,
    incidentkey: `schedule/${schedule}/${slot}`,
    data: {
      schedule,
      scheduledAt: slot,
      params,
      timezone: 'Europe/Berlin',
      localTime: slot.replace('Z', '+00:00'),
      catchUp: false,
    },
  });
}

/** The notifications among `events`, as `[state, sequence]` pairs. */
export function states(events: readonly HubEvent[]): [string, number][] {
  return events
    .filter((e) => e.type === 'notification.requested')
    .map((e) => {
      const data = e.data as { state: string; sequence: number };
      return [data.state, data.sequence];
    });
}

/** Keeps a test's fingerprints apart from other tests' (they share nothing, but logs read better). */
export function fingerprint(): string {
  return uniqueName('fp');
}
