import { amqpUrl, QueueReader, waitFor } from '@hub/testing';
import { OrderedConsumers, orderViolations } from './__tests__/ordered-consumers.js';

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
});
