import { createEvent, type HubEvent } from '@hub/contracts';
import { amqpUrl, QueueReader, uniqueName, waitFor } from '@hub/testing';
import { HubRmqServer } from './hub-rmq.server.js';
import { HubPublisher } from './hub.publisher.js';
import { feedsOf, serviceQueues } from './service-queues.js';
import { topologyNames } from './topology.js';

describe('a publisher declares the consumer queues it feeds', () => {
  const exchange = uniqueName('ex');
  // The gateway's feeds, renamed so this run does not share the real `sensor` queue.
  const suffix = uniqueName('q');
  const rename = (queue: string) => `${queue}.${suffix}`;
  const sensorQueue = rename(serviceQueues.sensor.queue);
  let publisher: HubPublisher;
  let server: HubRmqServer | undefined;
  let reader: QueueReader;

  beforeAll(async () => {
    publisher = new HubPublisher({
      url: amqpUrl(),
      connectionName: 'gateway-like-publisher',
      exchange,
      feeds: feedsOf('ingest-gateway').map((feed) => ({ ...feed, queue: rename(feed.queue) })),
    });
    await publisher.start();
    await publisher.waitUntilReady();
    reader = await QueueReader.open(amqpUrl());
  });

  afterAll(async () => {
    await server?.close();
    await publisher?.close();
    await reader?.close();
  });

  it('keeps an alert accepted before the sensor ever started, and the sensor receives it when it starts', async () => {
    const event = createEvent({
      type: 'alert.firing',
      source: '/test',
      data: {
        status: 'firing',
        fingerprint: 'early-1',
        labels: { alertname: 'Early' },
        annotations: {},
        startsAt: new Date().toISOString(),
      },
    });
    await publisher.publish(event);
    expect(await reader.depth(topologyNames.unroutedQueue(exchange))).toBe(0);
    expect(await reader.depth(rename(serviceQueues['siem-forwarder'].queue))).toBe(1);

    const received: HubEvent[] = [];
    server = new HubRmqServer({
      ...serviceQueues.sensor,
      queue: sensorQueue,
      url: amqpUrl(),
      connectionName: 'late-sensor',
      exchange,
      retryDelaysMs: [1_000, 10_000],
    });
    for (const pattern of serviceQueues.sensor.bindings) {
      server.addHandler(pattern, (delivered: HubEvent) => Promise.resolve(void received.push(delivered)), true);
    }
    const listening = server;
    await new Promise<void>((resolve, reject) =>
      listening.listen((error) => (error instanceof Error ? reject(error) : resolve())),
    );
    await server.waitUntilReady();
    await waitFor('the early alert', () => received.length === 1);
    expect(received[0]?.id).toBe(event.id);
  });

  it('refuses to start a consumer without a handler for a binding its publishers declare', async () => {
    const orphan = new HubRmqServer({
      ...serviceQueues.notifier,
      queue: rename('orphan'),
      url: amqpUrl(),
      connectionName: 'orphan',
      exchange,
    });
    const started = await new Promise<unknown>((resolve) => orphan.listen(resolve));
    expect(started).toBeInstanceOf(Error);
    expect((started as Error).message).toContain('no handler for the declared binding(s) notification.requested');
    await orphan.close();
  });
});
