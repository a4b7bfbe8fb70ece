import { type INestApplication } from '@nestjs/common';
import { createEvent } from '@hub/contracts';
import { amqpUrl, createVhost, deleteVhost, rabbitmqctl, uniqueName, waitFor } from '@hub/testing';
import { probe, startProbeConsumer } from './__tests__/consumer-app.js';
import { type HubRmqServer } from './hub-rmq.server.js';
import { HubPublisher } from './hub.publisher.js';

/** RabbitMQ's default `consumer_timeout` (30 min), restored after the test shortens it. */
const DEFAULT_CONSUMER_TIMEOUT_MS = 1_800_000;

/**
 * A handler that holds a delivery longer than the broker's `consumer_timeout` (a long action, a
 * sink that is down) gets its channel closed by the broker while the connection stays up. The
 * service must notice — not ready while it consumes nothing — and open a new channel; the held
 * delivery comes back and is handled. The broker checks the timeout about once a minute.
 */
describe('a consumer channel the broker closes', () => {
  let vhost: string;
  let app: INestApplication | undefined;
  let server: HubRmqServer;
  let publisher: HubPublisher | undefined;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    vhost = await createVhost(uniqueName('hub-consumer-timeout'));
  });

  afterAll(async () => {
    release();
    await rabbitmqctl('eval', `application:set_env(rabbit, consumer_timeout, ${DEFAULT_CONSUMER_TIMEOUT_MS}).`);
    await app?.close();
    await publisher?.close();
    await deleteVhost(vhost);
  });

  it('is reopened after consumer_timeout, readiness says so meanwhile, and the held delivery is handled', async () => {
    // Channels opened from now on get a 2 s timeout (the broker reads it when a channel opens).
    await rabbitmqctl('eval', 'application:set_env(rabbit, consumer_timeout, 2000).');
    const url = amqpUrl(vhost);
    ({ app, server } = await startProbeConsumer({
      url,
      connectionName: 'timeout-consumer',
      exchange: 'hub.events',
      queue: 'probe',
    }));
    publisher = new HubPublisher({ url, connectionName: 'timeout-publisher', exchange: 'hub.events' });
    await publisher.start();
    await publisher.waitUntilReady();

    const held = new Promise<void>((resolve) => (release = resolve));
    probe.behaviour = (delivery) =>
      delivery.event.type === 'probe.slow' && probe.deliveries.length === 1 ? held : undefined;
    const slow = createEvent({ type: 'probe.slow', source: '/test', data: {} });
    await publisher.publish(slow);
    await waitFor('the slow delivery in hand', () => probe.deliveries.length === 1);
    // Later channels keep the default, so the reopened consumer is not timed out in turn.
    await rabbitmqctl('eval', `application:set_env(rabbit, consumer_timeout, ${DEFAULT_CONSUMER_TIMEOUT_MS}).`);

    await waitFor('the broker to close the channel (checked about once a minute)', () => !server.ready, {
      timeoutMs: 90_000,
    });
    await waitFor('consuming again on a new channel', () => server.ready, { timeoutMs: 20_000 });
    await waitFor(
      'the held delivery redelivered and handled',
      () => probe.deliveries.filter((d) => d.event.id === slow.id).length >= 2,
    );
    const after = createEvent({ type: 'probe.after', source: '/test', data: {} });
    await publisher.publish(after);
    await waitFor('a new event consumed on the new channel', () =>
      probe.deliveries.some((d) => d.event.id === after.id),
    );
    release();
  }, 150_000);
});
