import { type INestApplication } from '@nestjs/common';
import pg from 'pg';
import { createEvent } from '@hub/contracts';
import { amqpUrl, QueueReader, TcpProxy, TEST_DATABASE_URL, uniqueName, waitFor } from '@hub/testing';
import { probe, startProbeConsumer } from './__tests__/consumer-app.js';
import { type HubRmqServer } from './hub-rmq.server.js';
import { HubPublisher } from './hub.publisher.js';
import { topologyNames } from './topology.js';

/**
 * PostgreSQL away for much longer than the retry tiers (here 8 s against tiers of 0.2 + 0.4 s):
 * the consumer pauses instead of cycling the backlog through the tiers into the DLQ, says so on
 * readiness, and once the database is back every event is handled and none is parked.
 */
describe('a dependency outage longer than the retry tiers', () => {
  const exchange = uniqueName('outage-ex');
  const queue = uniqueName('outage');
  let app: INestApplication | undefined;
  let server: HubRmqServer;
  let publisher: HubPublisher | undefined;
  let reader: QueueReader | undefined;
  let pool: pg.Pool | undefined;
  const proxy = new TcpProxy('127.0.0.1', Number(new URL(TEST_DATABASE_URL).port || 5432));

  afterAll(async () => {
    await app?.close();
    await publisher?.close();
    await reader?.close();
    await pool?.end().catch(() => undefined);
    await proxy.stop();
  });

  it('pauses, parks nothing, and handles every event once PostgreSQL is back', async () => {
    await proxy.start();
    const url = new URL(TEST_DATABASE_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    pool = new pg.Pool({ connectionString: url.toString(), max: 4, connectionTimeoutMillis: 1_000 });
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    ({ app, server } = await startProbeConsumer({
      url: amqpUrl(),
      connectionName: 'outage-consumer',
      exchange,
      queue,
      retryDelaysMs: [200, 400],
      deliveryLimit: 3,
      prefetch: 8,
    }));
    publisher = new HubPublisher({ url: amqpUrl(), connectionName: 'outage-publisher', exchange });
    await publisher.start();
    await publisher.waitUntilReady();
    reader = await QueueReader.open(amqpUrl());

    const handled = new Set<string>();
    probe.behaviour = async ({ event }) => {
      try {
        await pool!.query('SELECT 1');
        handled.add(event.id);
        return undefined;
      } catch (error) {
        return error;
      }
    };
    const publishMany = async (n: number) => {
      const events = Array.from({ length: n }, (_, i) =>
        createEvent({ type: 'probe.db', source: '/test', data: { i } }),
      );
      for (const event of events) await publisher!.publish(event);
      return events;
    };
    const before = await publishMany(5);
    await waitFor('handled while the database is up', () => before.every((e) => handled.has(e.id)));

    await proxy.down();
    const during = await publishMany(30);
    const reasons = new Set<string>();
    const outageEnds = Date.now() + 8_000;
    while (Date.now() < outageEnds) {
      if (server.unavailableReason) reasons.add(server.unavailableReason);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([...reasons]).toContain('paused: postgresql unavailable');
    expect(await reader.depth(topologyNames.deadLetterQueue(queue))).toBe(0);

    await proxy.up();
    await waitFor('every event handled after the outage', () => during.every((e) => handled.has(e.id)), {
      timeoutMs: 60_000,
    });
    expect(await reader.depth(topologyNames.deadLetterQueue(queue))).toBe(0);
    await waitFor('consuming again', () => server.ready);
  }, 120_000);
});
