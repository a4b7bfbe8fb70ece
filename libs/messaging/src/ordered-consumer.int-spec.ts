import { createEvent } from '@hub/contracts';
import { amqpUrl, QueueReader, waitFor } from '@hub/testing';
import { OrderedConsumers, orderViolations } from './__tests__/ordered-consumers.js';
import { HubRmqServer } from './hub-rmq.server.js';
import { HubPublisher } from './hub.publisher.js';

/** The per-key serial executor of a partitioned consumer, with retries in place and parking. */
describe('a partitioned consumer', () => {
  let consumers: OrderedConsumers;
  let reader: QueueReader;

  beforeEach(async () => {
    consumers = new OrderedConsumers(2);
    reader = await QueueReader.open(amqpUrl());
  });

  afterEach(async () => {
    await consumers.stop();
    await reader.close();
  });

  const startsOf = (key: string) =>
    consumers.reports.filter((r) => r.kind === 'start' && r.key === key).map((r) => `${r.seq}#${r.attempt}`);

  it('retries a failing event in place: the next events of its key wait for it', async () => {
    await consumers.startPublisher();
    // Step 3 (of every key) fails its first two attempts; the retry delays are 50 and 100 ms.
    await consumers.start({ FAIL: '3:2', PREFETCH: '50' });
    await consumers.publish(['a', 'b', 'c'], 8);

    await waitFor('every key at its last step', () =>
      ['a', 'b', 'c'].every((k) => consumers.doneByKey().get(k)?.includes(7)),
    );
    expect(orderViolations(consumers.reports)).toEqual([]);
    for (const key of ['a', 'b', 'c']) {
      expect(startsOf(key)).toEqual(['0#1', '1#1', '2#1', '3#1', '3#2', '3#3', '4#1', '5#1', '6#1', '7#1']);
      expect(consumers.doneByKey().get(key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }
    expect(await reader.depth(`${consumers.queue}.dlq`)).toBe(0);
  });

  it('parks an event that fails every attempt in <queue>.dlq, which releases its key', async () => {
    await consumers.startPublisher();
    await consumers.start({ POISON: '2' });
    await consumers.publish(['a'], 5);

    await waitFor('the key past the parked step', () => consumers.doneByKey().get('a')?.includes(4));
    expect(consumers.doneByKey().get('a')).toEqual([0, 1, 3, 4]);
    // Three attempts (two retry tiers), then parked; the steps after it waited until then.
    expect(startsOf('a')).toEqual(['0#1', '1#1', '2#1', '2#2', '2#3', '3#1', '4#1']);
    const [parked] = await reader.drain(`${consumers.queue}.dlq`);
    expect(JSON.parse(parked!.content.toString()).data).toEqual({ key: 'a', seq: 2 });
    expect(String(parked!.properties.headers?.['x-hub-dead-letter-reason'])).toContain(
      'retries exhausted after 3 attempts',
    );
  });

  it('moves what waits in the old plain queue into the partitions when it starts, in order, and unbinds it', async () => {
    // The version before partitions: a plain queue fed by the publishers.
    const old = new HubPublisher({
      url: amqpUrl(),
      connectionName: 'old-publisher',
      exchange: consumers.exchange,
      feeds: [{ ...consumers.feed, partitioned: false }],
    });
    await old.start();
    await old.waitUntilReady();
    for (let seq = 0; seq < 3; seq++) {
      await old.publish(
        createEvent({ type: 'order.step', source: '/ordering', incidentkey: 'a', data: { key: 'a', seq } }),
      );
    }
    await old.close();
    expect(await reader.depth(consumers.queue)).toBe(3);

    await consumers.startPublisher();
    await consumers.start();
    await waitFor('the moved steps handled', () => consumers.doneByKey().get('a')?.length === 3);
    expect(consumers.doneByKey().get('a')).toEqual([0, 1, 2]);
    expect(await reader.depth(consumers.queue)).toBe(0);
    // Unbound: a new event reaches only the partitions.
    await consumers.publisher.publish(
      createEvent({ type: 'order.step', source: '/ordering', incidentkey: 'a', data: { key: 'a', seq: 3 } }),
    );
    await waitFor('the new step handled', () => consumers.doneByKey().get('a')?.length === 4);
    expect(await reader.depth(consumers.queue)).toBe(0);
  });

  it('refuses to start with another HUB_PARTITIONS than the services that declared the partitions', async () => {
    await consumers.startPublisher(); // 2 partitions
    const outcome = async (partitions: number) => {
      const server = new HubRmqServer({
        url: amqpUrl(),
        connectionName: `partitions-${partitions}`,
        exchange: consumers.exchange,
        queue: consumers.queue,
        partitioned: true,
        partitions,
      });
      server.addHandler('order.#', () => Promise.resolve(), true);
      const started = await new Promise<unknown>((resolve) => server.listen(resolve));
      await server.close();
      return started;
    };
    expect(String(await outcome(1))).toContain(`HUB_PARTITIONS is 1 but the broker has ${consumers.queue}.p1`);
    expect(String(await outcome(3))).toContain(`HUB_PARTITIONS is 3 but the broker has no ${consumers.queue}.p2`);
    expect(await outcome(2)).toBeUndefined();
  });
});
