import { type INestApplication } from '@nestjs/common';
import { register } from 'prom-client';
import { createEvent } from '@hub/contracts';
import { amqpUrl, uniqueName, waitFor } from '@hub/testing';
import { probe, startProbeConsumer } from './__tests__/consumer-app.js';
import { HubPublisher } from './hub.publisher.js';

/** Sum and count of `hub_event_age_seconds` observations of one queue. */
async function ageOf(queue: string): Promise<{ sum: number; count: number }> {
  const metric = await register.getSingleMetric('hub_event_age_seconds')?.get();
  const values = (metric?.values ?? []) as { labels: Record<string, unknown>; value: number; metricName?: string }[];
  const total = (suffix: string) =>
    values
      .filter((v) => v.labels.queue === queue && v.metricName === `hub_event_age_seconds${suffix}`)
      .reduce((n, v) => n + v.value, 0);
  return { sum: total('_sum'), count: total('_count') };
}

describe('hub_event_age_seconds (end-to-end latency across the bus)', () => {
  const exchange = uniqueName('ex');
  const queue = uniqueName('age');
  let app: INestApplication;
  let publisher: HubPublisher;

  beforeAll(async () => {
    ({ app } = await startProbeConsumer({ url: amqpUrl(), connectionName: 'age-consumer', exchange, queue }));
    publisher = new HubPublisher({ url: amqpUrl(), connectionName: 'age-publisher', exchange });
    await publisher.start();
    await publisher.waitUntilReady();
  });

  afterAll(async () => {
    await app?.close();
    await publisher?.close();
  });

  it('observes the time from the envelope time to the end of handling, per queue', async () => {
    const time = new Date(Date.now() - 90_000).toISOString();
    await publisher.publish(createEvent({ type: 'probe.aged', source: '/test', time, data: {} }));
    await waitFor('the handled event', async () => probe.deliveries.length === 1 && (await ageOf(queue)).count === 1);
    const { sum } = await ageOf(queue);
    expect(sum).toBeGreaterThanOrEqual(90);
    expect(sum).toBeLessThan(90 + 60);
  });
});
