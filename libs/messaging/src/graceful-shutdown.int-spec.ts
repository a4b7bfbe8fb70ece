import amqp from 'amqplib';
import { createEvent, type HubEvent } from '@hub/contracts';
import { amqpUrl, uniqueName, waitFor } from '@hub/testing';
import { HubHeaders } from './delivery-settler.js';
import { HubRmqServer } from './hub-rmq.server.js';
import { declareExchange, topologyNames } from './topology.js';

/**
 * A rolling deploy stops a consumer while it holds deliveries. With a delivery limit of 1 any
 * spent attempt would park the message: nothing may be parked, every message is handled again by
 * the next consumer with its attempt unchanged, and a handler that finishes in time is acked.
 */
describe('graceful shutdown of a consumer', () => {
  it('cancels first, lets handlers finish within the grace, requeues the rest without spending an attempt', async () => {
    const exchange = uniqueName('ex');
    const queue = uniqueName('svc');
    const connection = await amqp.connect(amqpUrl());
    const channel = await connection.createConfirmChannel();
    await declareExchange(channel, exchange);
    const seen: string[] = [];
    let stopping = false;
    const options = { url: amqpUrl(), exchange, queue, deliveryLimit: 1, retryDelaysMs: [200], shutdownGraceMs: 1_000 };
    const first = new HubRmqServer({ ...options, connectionName: 'shutdown-first' });
    first.addHandler(
      'probe.#',
      async (event: HubEvent) => {
        seen.push(`first:${event.type}`);
        if (event.type === 'probe.quick') return new Promise((resolve) => setTimeout(resolve, 300));
        if (event.type === 'probe.interrupted') {
          await waitFor('shutdown', () => stopping, { timeoutMs: 10_000 });
          throw new Error('interrupted by the shutdown'); // what the executor's runner does
        }
        return new Promise(() => undefined); // probe.stuck: never finishes
      },
      true,
    );
    await new Promise<void>((resolve, reject) =>
      first.listen((error) =>
        error ? reject(error instanceof Error ? error : new Error('the consumer could not start')) : resolve(),
      ),
    );
    await first.waitUntilReady();
    try {
      for (const type of ['probe.quick', 'probe.interrupted', 'probe.stuck']) {
        const event = createEvent({ type, source: '/test', data: {} });
        channel.publish(exchange, type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id });
      }
      await channel.waitForConfirms();
      await waitFor('three deliveries in hand', () => seen.length === 3);

      stopping = true;
      const started = Date.now();
      await first.close();
      expect(Date.now() - started).toBeLessThan(5_000); // the grace (1 s), not the stuck handler
      expect(await channel.checkQueue(topologyNames.deadLetterQueue(queue))).toMatchObject({ messageCount: 0 });
      const retried = topologyNames.retryQueue(queue, 200);
      expect(await channel.checkQueue(retried)).toMatchObject({ messageCount: 0 }); // no retry tier used

      const requeued: { type: string; attempt: unknown }[] = [];
      await waitFor('two requeued deliveries', async () => {
        const message = await channel.get(queue, { noAck: true });
        if (message) {
          const event = JSON.parse(message.content.toString()) as HubEvent;
          requeued.push({ type: event.type, attempt: message.properties.headers?.[HubHeaders.attempt] });
        }
        return requeued.length === 2;
      });
      expect(requeued.sort((a, b) => a.type.localeCompare(b.type))).toEqual([
        { type: 'probe.interrupted', attempt: 1 },
        { type: 'probe.stuck', attempt: 1 },
      ]);
      expect(await channel.checkQueue(queue)).toMatchObject({ messageCount: 0 }); // quick was acked
    } finally {
      await first.close().catch(() => undefined);
      await channel.deleteQueue(queue).catch(() => undefined);
      await connection.close();
    }
  });
});
