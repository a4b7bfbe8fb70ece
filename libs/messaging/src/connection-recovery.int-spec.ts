import { type INestApplication } from '@nestjs/common';
import { createEvent, isHubError } from '@hub/contracts';
import { amqpUrl, closeAllConnections, createVhost, deleteVhost, uniqueName, waitFor } from '@hub/testing';
import { probe, startProbeConsumer } from './__tests__/consumer-app.js';
import { type HubRmqServer } from './hub-rmq.server.js';
import { HubPublisher } from './hub.publisher.js';

describe('broker closes every connection while publishing and consuming', () => {
  let vhost: string;
  let app: INestApplication;
  let server: HubRmqServer;
  let publisher: HubPublisher;

  beforeAll(async () => {
    vhost = await createVhost(uniqueName('hub-recovery'));
  });

  afterAll(async () => {
    await app?.close();
    await publisher?.close();
    await deleteVhost(vhost);
  });

  it('recovers both sides and loses nothing that was confirmed', async () => {
    const url = amqpUrl(vhost);
    const exchange = 'hub.events';
    ({ app, server } = await startProbeConsumer({
      url,
      connectionName: 'recovery-consumer',
      exchange,
      queue: 'probe',
    }));
    publisher = new HubPublisher({ url, connectionName: 'recovery-publisher', exchange });
    await publisher.start();
    await publisher.waitUntilReady();

    const confirmed = new Set<string>();
    let refusals = 0;
    let stop = false;
    let n = 0;
    const publishUntilStopped = async () => {
      while (!stop) {
        const event = createEvent({ type: 'probe.recovery', source: '/test', data: { n: n++ } });
        for (;;) {
          try {
            await publisher.publish(event);
            confirmed.add(event.id);
            break;
          } catch (error) {
            if (!isHubError(error) || !error.retryable) throw error;
            refusals++;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      }
    };
    const workers = Promise.all(Array.from({ length: 8 }, publishUntilStopped));
    for (let round = 0; round < 2; round++) {
      const before = confirmed.size;
      await waitFor('publishing under way', () => confirmed.size >= before + 100);
      await closeAllConnections(vhost);
      await waitFor('consumer and publisher back', () => refusals > 0 && server.ready && publisher.ready);
    }
    const afterRecovery = confirmed.size;
    await waitFor('publishing after recovery', () => confirmed.size >= afterRecovery + 100);
    stop = true;
    await workers;

    expect(refusals).toBeGreaterThan(0);
    await waitFor(
      'every confirmed event consumed',
      () => {
        const seen = new Set(probe.deliveries.map((d) => d.event.id));
        return [...confirmed].every((id) => seen.has(id));
      },
      { timeoutMs: 30_000 },
    );
    expect(server.ready).toBe(true);
    expect(publisher.ready).toBe(true);
  });
});
