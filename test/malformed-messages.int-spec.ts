import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type INestApplication } from '@nestjs/common';
import { type GetMessage } from 'amqplib';
import { HubHeaders, type HubRmqServer, topologyNames } from '@hub/messaging';
import { amqpUrl, createTestSchema, QueueReader, type TestSchema, uniqueName, waitFor } from '@hub/testing';
import { createNotifierApp, loadNotifierConfig } from '../apps/notifier/src/index.js';
import { createRemediationExecutorApp, loadRemediationExecutorConfig } from '../apps/remediation-executor/src/index.js';
import { createSensorApp, loadSensorConfig } from '../apps/sensor/src/index.js';
import { createSiemForwarderApp, loadSiemForwarderConfig } from '../apps/siem-forwarder/src/index.js';
import { createTicketingApp, loadTicketingConfig } from '../apps/ticketing/src/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Consumer {
  readonly name: string;
  readonly queue: string;
  /** A routing key the service consumes, and the service that may issue it. */
  readonly routingKey: string;
  readonly issuer: string;
  app?: INestApplication;
  server?: HubRmqServer;
}

/** The malformed messages, each published straight to the exchange with a consumer's routing key. */
function malformed(consumer: Consumer): { label: string; body: Buffer }[] {
  const envelope = (data: unknown, extra: Record<string, unknown> = {}) => ({
    specversion: '1.0',
    id: uniqueName('bad'),
    source: '/fuzz',
    type: consumer.routingKey,
    time: new Date().toISOString(),
    hubsource: consumer.issuer,
    datacontenttype: 'application/json',
    data,
    ...extra,
  });
  return [
    { label: 'not JSON', body: Buffer.from('{"specversion": "1.0", not json') },
    { label: 'binary', body: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]) },
    { label: 'JSON, not an envelope', body: Buffer.from(JSON.stringify({ hello: 'world' })) },
    { label: 'an array', body: Buffer.from('[1,2,3]') },
    { label: 'envelope without id', body: Buffer.from(JSON.stringify({ ...envelope({}), id: undefined })) },
    { label: 'wrong data', body: Buffer.from(JSON.stringify(envelope('just a string'))) },
    { label: 'wrong data types', body: Buffer.from(JSON.stringify(envelope({ alerts: 5, labels: [1], target: {} }))) },
    {
      label: 'NUL in data',
      body: Buffer.from(JSON.stringify(envelope({ note: 'a\u0000b', labels: { a: '\u0000' } }))),
    },
    { label: 'huge', body: Buffer.from(JSON.stringify(envelope({ blob: 'x'.repeat(2 * 1024 * 1024) }))) },
    {
      label: 'deep',
      body: Buffer.from(
        JSON.stringify(envelope(0)).replace('"data":0', `"data":${'['.repeat(5_000)}${']'.repeat(5_000)}`),
      ),
    },
  ];
}

/**
 * Malformed messages published straight to the exchange (past the gateway's checks): every
 * consumer parks each with a reason in its headers and keeps consuming — none crashes, retries it
 * for ever or holds its queue.
 */
describe('malformed messages on the bus: parked with a reason by every consumer', () => {
  let schema: TestSchema;
  let dataDir: string;
  let reader: QueueReader;
  const exchange = uniqueName('malformed');
  const consumers: Consumer[] = [
    { name: 'sensor', queue: uniqueName('sensor'), routingKey: 'alert.firing', issuer: 'alertmanager' },
    {
      name: 'remediation-executor',
      queue: uniqueName('executor'),
      routingKey: 'action.requested.argocd.sync',
      issuer: 'sensor',
    },
    { name: 'notifier', queue: uniqueName('notifier'), routingKey: 'notification.requested', issuer: 'sensor' },
    { name: 'ticketing', queue: uniqueName('ticketing'), routingKey: 'ticket.requested', issuer: 'sensor' },
    { name: 'siem-forwarder', queue: uniqueName('siem'), routingKey: 'deployment.completed', issuer: 'backstage' },
  ];
  const parked = new Map<string, GetMessage[]>();

  beforeAll(async () => {
    schema = await createTestSchema();
    dataDir = await mkdtemp(join(tmpdir(), 'hub-malformed-'));
    reader = await QueueReader.open(amqpUrl());
    const env = {
      AMQP_URL: amqpUrl(),
      DATABASE_URL: schema.url,
      HUB_EXCHANGE: exchange,
      HUB_CONFIG_DIR: join(ROOT, 'config'),
      HUB_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      SENSOR_RETRY_DELAYS_MS: '200,400',
      NOTIFIER_RETRY_DELAYS_MS: '200,400',
      TICKETING_RETRY_DELAYS_MS: '200,400',
    };
    const [sensor, executor, notifier, ticketing, siem] = consumers as [
      Consumer,
      Consumer,
      Consumer,
      Consumer,
      Consumer,
    ];
    const built = [
      [sensor, await createSensorApp(loadSensorConfig(env), { logger: false, queue: sensor.queue })],
      [
        executor,
        await createRemediationExecutorApp(loadRemediationExecutorConfig(env), {
          logger: false,
          queue: executor.queue,
        }),
      ],
      [notifier, await createNotifierApp(loadNotifierConfig(env), { logger: false, queue: notifier.queue, env })],
      [ticketing, await createTicketingApp(loadTicketingConfig(env), { logger: false, queue: ticketing.queue })],
      [siem, await createSiemForwarderApp(loadSiemForwarderConfig(env), { logger: false, queue: siem.queue })],
    ] as const;
    for (const [consumer, built_] of built) {
      consumer.app = built_.app;
      consumer.server = built_.server;
      await built_.app.init();
      await built_.app.startAllMicroservices();
    }
    await waitFor('every consumer consuming', () => consumers.every((c) => c.server?.unavailableReason === undefined), {
      timeoutMs: 20_000,
    });
    for (const consumer of consumers) {
      for (const { label, body } of malformed(consumer)) {
        reader.channel.publish(exchange, consumer.routingKey, body, {
          persistent: true,
          messageId: `${consumer.name}:${label}`,
          contentType: 'application/json',
        });
      }
    }
  }, 90_000);

  afterAll(async () => {
    for (const consumer of consumers) await consumer.app?.close().catch(() => undefined);
    await reader?.close();
    await schema?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it.each(['sensor', 'remediation-executor', 'notifier', 'ticketing', 'siem-forwarder'])(
    '%s parks every malformed message with a reason, and keeps consuming',
    async (name) => {
      const consumer = consumers.find((c) => c.name === name)!;
      const expected = malformed(consumer)
        .map((m) => `${consumer.name}:${m.label}`)
        .sort();
      const dlq = topologyNames.deadLetterQueue(consumer.queue);
      const taken = parked.get(name) ?? [];
      parked.set(name, taken);
      await waitFor(
        `${name}: ${expected.length} parked`,
        async () => {
          taken.push(...(await reader.drain(dlq)));
          const ids = new Set(taken.map((m) => String(m.properties.messageId)));
          return expected.every((id) => ids.has(id));
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      // The sensor and the SIEM forwarder also consume other services' routing keys: they park those too.
      const own = taken.map((m) => String(m.properties.messageId)).filter((id) => id.startsWith(`${name}:`));
      expect(own.sort()).toEqual(expected);
      for (const message of taken) {
        const reason = message.properties.headers?.[HubHeaders.deadLetterReason];
        expect(
          typeof reason === 'string' && reason.length > 0,
          `${String(message.properties.messageId)}: no reason`,
        ).toBe(true);
      }
      expect(await reader.serviceDepth(consumer.queue)).toBe(0);
      expect(consumer.server?.unavailableReason).toBeUndefined();
    },
    40_000,
  );
});
