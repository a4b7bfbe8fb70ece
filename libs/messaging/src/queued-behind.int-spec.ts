import { createEvent, type HubEvent } from '@hub/contracts';
import { amqpUrl, uniqueName, waitFor } from '@hub/testing';
import { type HubMessageContext } from './hub-message.context.js';
import { HubRmqServer } from './hub-rmq.server.js';
import { HubPublisher } from './hub.publisher.js';

interface Step {
  key: string;
  seq: number;
}

/** What a context shows behind its delivery, as `<routing key> <key>/<seq>`. */
const queuedOf = (ctx: HubMessageContext): string[] =>
  ctx.getQueuedBehind().map(({ routingKey, event }) => {
    const { key, seq } = event.data as Step;
    return `${routingKey} ${key}/${seq}`;
  });

/** `HubMessageContext.getQueuedBehind`: what waits in this process behind a delivery of its key. */
describe('the deliveries queued behind one (partitioned consumer)', () => {
  const exchange = uniqueName('queued');
  const queue = uniqueName('queued');
  const feed = { queue, bindings: ['order.#'], deliveryLimit: 5, singleActiveConsumer: false, partitioned: true };
  let publisher: HubPublisher | undefined;
  let server: HubRmqServer | undefined;

  afterEach(async () => {
    await server?.close();
    await publisher?.close();
  });

  it('shows the later events of the same key this process holds, oldest first, shrinking as each starts', async () => {
    const bus = new HubPublisher({ url: amqpUrl(), connectionName: 'queued-publisher', exchange, feeds: [feed] });
    publisher = bus;
    await bus.start();
    await bus.waitUntilReady();
    const seen: { step: string; queued: string[] }[] = [];
    let first: HubMessageContext | undefined;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const consumer = new HubRmqServer({
      url: amqpUrl(),
      connectionName: 'queued-consumer',
      exchange,
      queue,
      partitioned: true,
    });
    server = consumer;
    consumer.addHandler(
      'order.#',
      async (event: HubEvent<Step>, ctx: HubMessageContext) => {
        const step = `${event.data.key}/${event.data.seq}`;
        seen.push({ step, queued: queuedOf(ctx) });
        if (step !== 'a/0') return;
        // The first step of `a` holds its key while the steps after it arrive.
        first = ctx;
        await released;
      },
      true,
    );
    expect(await new Promise<unknown>((resolve) => consumer.listen(resolve))).toBeUndefined();

    const publish = (key: string, seq: number) =>
      bus.publish(createEvent({ type: `order.${key}`, source: '/queued', incidentkey: key, data: { key, seq } }));
    await publish('a', 0);
    await waitFor('a/0 running', () => first);
    for (let seq = 1; seq <= 3; seq++) await publish('a', seq);
    await publish('b', 0);
    await waitFor('b/0 handled', () => seen.some((s) => s.step === 'b/0'));
    await waitFor('a/1 to a/3 behind a/0', () => first && queuedOf(first).length === 3);
    expect(queuedOf(first!)).toEqual(['order.a a/1', 'order.a a/2', 'order.a a/3']);
    release();
    await waitFor('a/3 handled', () => seen.some((s) => s.step === 'a/3'));

    expect(seen).toEqual([
      { step: 'a/0', queued: [] }, // asked as it started: nothing behind it yet
      { step: 'b/0', queued: [] }, // another key: a's steps are not behind it
      { step: 'a/1', queued: ['order.a a/2', 'order.a a/3'] },
      { step: 'a/2', queued: ['order.a a/3'] },
      { step: 'a/3', queued: [] },
    ]);
  });
});
