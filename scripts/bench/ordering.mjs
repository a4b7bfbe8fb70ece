// Ordering bench: keyed throughput of a partitioned consumer (issue 15) with 1, 4 and 16 partitions,
// side by side with the plain queue (no order per key) on the same broker: events/s from the first
// publish to the last handled event, with a handler that waits 1 ms (an I/O call) per event, and
// the order violations seen (a key's event started before the previous one of its key finished:
// 0 expected on the partitions). Figures only, no assertions.
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import amqp from 'amqplib';
import { createEvent } from '../../libs/contracts/dist/index.js';
import { HubPublisher, HubRmqServer, partitionQueues, topologyNames } from '../../libs/messaging/dist/index.js';

const EVENTS = Number(process.env.BENCH_ORDERING_EVENTS ?? 10_000);
const HANDLER_MS = 1;

/** One run: `partitions` (0: the plain queue), `keys` distinct keys, `EVENTS` events. */
async function run(amqpUrl, partitions, keys) {
  const suffix = Math.random().toString(36).slice(2, 8);
  const exchange = `bench-ordering-${suffix}`;
  const queue = `bench-ordered-${suffix}`;
  const feed = {
    queue,
    bindings: ['bench.#'],
    deliveryLimit: 5,
    singleActiveConsumer: false,
    partitioned: partitions > 0,
  };
  const publisher = new HubPublisher({
    url: amqpUrl,
    connectionName: 'bench-ordering',
    exchange,
    feeds: [feed],
    partitions: partitions || 1,
  });
  await publisher.start();
  await publisher.waitUntilReady();
  const server = new HubRmqServer({
    url: amqpUrl,
    connectionName: 'bench-ordering-consumer',
    exchange,
    queue,
    prefetch: 64,
    retryDelaysMs: [1_000],
    ...(partitions > 0 ? { partitioned: true, partitions } : {}),
  });
  const running = new Set();
  const finished = new Map();
  let handled = 0;
  let violations = 0;
  let done;
  const all = new Promise((resolve) => (done = resolve));
  server.addHandler(
    'bench.#',
    async (event) => {
      const { key, seq } = event.data;
      if (running.has(key) || (finished.get(key) ?? -1) !== seq - 1) violations++;
      running.add(key);
      await sleep(HANDLER_MS);
      running.delete(key);
      finished.set(key, Math.max(finished.get(key) ?? -1, seq));
      if (++handled === EVENTS) done();
    },
    true,
  );
  await new Promise((resolve, reject) => server.listen((error) => (error ? reject(error) : resolve())));
  await server.waitUntilReady();

  const next = new Map();
  const started = performance.now();
  for (let i = 0; i < EVENTS; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, EVENTS - i) }, (_, j) => {
        const key = `key-${(i + j) % keys}`;
        const seq = next.get(key) ?? 0;
        next.set(key, seq + 1);
        return publisher.publish(
          createEvent({ type: 'bench.step', source: '/bench', incidentkey: key, data: { key, seq } }),
        );
      }),
    );
  }
  await all;
  const seconds = (performance.now() - started) / 1000;
  await server.close();
  await publisher.close();
  await cleanUp(amqpUrl, exchange, queue, partitions);
  return {
    consumer: partitions > 0 ? `${partitions} partition${partitions > 1 ? 's' : ''}` : 'plain queue (unordered)',
    keys,
    events: EVENTS,
    'events/s': Math.round(EVENTS / seconds),
    'order violations': violations,
  };
}

async function cleanUp(amqpUrl, exchange, queue, partitions) {
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createChannel();
  const queues = [
    topologyNames.deadLetterQueue(queue),
    topologyNames.unroutedQueue(exchange),
    ...(partitions > 0
      ? [...partitionQueues(queue, partitions), topologyNames.partitionRetryQueue(queue, 1_000)]
      : [queue, topologyNames.retryQueue(queue, 1_000)]),
  ];
  for (const name of queues) await channel.deleteQueue(name);
  const exchanges = [exchange, topologyNames.alternateExchange(exchange)];
  if (partitions > 0) exchanges.push(topologyNames.partitionExchange(queue), topologyNames.unkeyedExchange(queue));
  for (const name of exchanges) await channel.deleteExchange(name);
  await connection.close();
}

export async function benchOrdering({ amqpUrl }) {
  Logger.overrideLogger(['error']);
  const rows = [];
  for (const keys of [1_000, 10]) {
    rows.push(await run(amqpUrl, 0, keys));
    for (const partitions of [1, 4, 16]) rows.push(await run(amqpUrl, partitions, keys));
  }
  return { rows, handlerMs: HANDLER_MS };
}
