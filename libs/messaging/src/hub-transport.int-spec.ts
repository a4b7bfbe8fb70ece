import { type INestApplication } from '@nestjs/common';
import amqp from 'amqplib';
import { createEvent } from '@hub/contracts';
import { amqpUrl, QueueReader, rabbitmqctl, recordSpans, uniqueName, waitFor } from '@hub/testing';
import { inject } from 'vitest';
import { probe, startProbeConsumer } from './__tests__/consumer-app.js';
import { HubHeaders } from './hub-rmq.server.js';
import { HubPublisher } from './hub.publisher.js';
import { DeadLetterError } from './messaging.errors.js';
import { deadLetterPolicy } from './service-queues.js';
import { declareConsumerQueue, declareExchange, topologyNames } from './topology.js';

const spans = recordSpans('transport-test');

describe('hub transport against RabbitMQ', () => {
  const exchange = uniqueName('ex');
  const queue = uniqueName('svc');
  let app: INestApplication;
  let publisher: HubPublisher;
  let reader: QueueReader;

  beforeAll(async () => {
    ({ app } = await startProbeConsumer({
      url: amqpUrl(),
      connectionName: 'probe-consumer',
      exchange,
      queue,
      retryDelaysMs: [200, 400],
      deliveryLimit: 3,
      prefetch: 8,
    }));
    publisher = new HubPublisher({ url: amqpUrl(), connectionName: 'probe-publisher', exchange });
    await publisher.start();
    await publisher.waitUntilReady();
    reader = await QueueReader.open(amqpUrl());
  });

  afterAll(async () => {
    await app?.close();
    await publisher?.close();
    await reader?.close();
  });

  beforeEach(() => {
    probe.deliveries = [];
    probe.behaviour = () => undefined;
  });

  const parkedMessages = async () => nonEmpty(await reader.drain(topologyNames.deadLetterQueue(queue)));

  const publish = async (type: string, data: unknown = { n: 1 }) => {
    const event = createEvent({ type, source: '/test', data });
    await publisher.publish(event);
    return event;
  };

  it('delivers an event to the matching handler once and acks it', async () => {
    const event = await publish('probe.hello');
    await waitFor('delivery', () => probe.deliveries.length === 1);
    expect(probe.deliveries[0]).toMatchObject({ attempt: 1, routingKey: 'probe.hello', event: { id: event.id } });
    await waitFor('empty queue', async () => (await reader.depth(queue)) === 0);
  });

  it('retries through the tiers with a growing attempt count, waiting each tier out', async () => {
    probe.behaviour = ({ attempt }) => (attempt < 3 ? new Error(`flaky ${attempt}`) : undefined);
    await publish('probe.flaky');
    await waitFor('third attempt', () => probe.deliveries.length === 3);
    const [first, second, third] = probe.deliveries;
    expect(probe.deliveries.map((d) => d.attempt)).toEqual([1, 2, 3]);
    expect(third?.routingKey).toBe('probe.flaky');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(190);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(390);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(probe.deliveries).toHaveLength(3);
    expect(await reader.depth(topologyNames.deadLetterQueue(queue))).toBe(0);
  });

  it('parks a message whose retries are exhausted, with the reason in its headers', async () => {
    probe.behaviour = () => new Error('vendor still down');
    const event = await publish('probe.doomed');
    const [parked] = await waitFor('parked message', () => parkedMessages());
    expect(probe.deliveries).toHaveLength(3);
    expect(parked?.properties.messageId).toBe(event.id);
    const headers = parked?.properties.headers ?? {};
    expect(headers[HubHeaders.deadLetterReason]).toBe(
      'retries exhausted after 3 attempts; last error Error: vendor still down',
    );
    expect(headers[HubHeaders.attempt]).toBe(3);
    expect(headers[HubHeaders.routingKey]).toBe('probe.doomed');
    expect(JSON.parse(parked!.content.toString())).toMatchObject({ id: event.id, type: 'probe.doomed' });
  });

  it('parks a DeadLetterError at once and does not retry it', async () => {
    probe.behaviour = () => new DeadLetterError('no such application');
    await publish('probe.bad');
    const [parked] = await waitFor('parked message', () => parkedMessages());
    expect(parked?.properties.headers?.[HubHeaders.deadLetterReason]).toBe('DeadLetterError: no such application');
    expect(probe.deliveries).toHaveLength(1);
  });

  it('parks a body that is not a CloudEvent without calling the handler', async () => {
    reader.channel.publish(exchange, 'probe.garbage', Buffer.from('{not json'), { messageId: 'garbage-1' });
    const [parked] = await waitFor('parked garbage', () => parkedMessages());
    expect(parked?.properties.headers?.[HubHeaders.deadLetterReason]).toBe(
      'DeadLetterError: the message body is not JSON',
    );
    reader.channel.publish(exchange, 'probe.half', Buffer.from(JSON.stringify({ id: 'x', type: 'probe.half' })));
    const [half] = await waitFor('parked envelope', () => parkedMessages());
    expect(String(half?.properties.headers?.[HubHeaders.deadLetterReason])).toContain('not a CloudEvents 1.0 envelope');
    expect(probe.deliveries).toHaveLength(0);
  });

  it('parks an event whose data breaks its catalog schema', async () => {
    await publisher.publish(createEvent({ type: 'alert.firing', source: '/test', data: { status: 'odd' } }), {
      routingKey: 'probe.alert',
    });
    const [parked] = await waitFor('parked event', () => parkedMessages());
    expect(String(parked?.properties.headers?.[HubHeaders.deadLetterReason])).toContain(
      'data does not match alert.firing',
    );
  });

  it('keeps a message nobody binds in the alternate exchange queue instead of dropping it', async () => {
    const event = await publish('nobody.listens');
    const [kept] = await waitFor('unrouted message', async () =>
      nonEmpty(await reader.drain(topologyNames.unroutedQueue(exchange))),
    );
    expect(kept?.properties.messageId).toBe(event.id);
    expect(kept?.fields.routingKey).toBe('nobody.listens');
  });

  it('parks a message no handler matches (a binding left behind) instead of acking it away', async () => {
    await reader.channel.bindQueue(queue, exchange, 'stray.#');
    const event = await publish('stray.one');
    const [parked] = await waitFor('parked stray', () => parkedMessages());
    expect(parked?.properties.messageId).toBe(event.id);
    expect(parked?.properties.headers?.[HubHeaders.deadLetterReason]).toBe(
      `DeadLetterError: no handler for stray.one on ${queue}`,
    );
    expect(probe.deliveries).toHaveLength(0);
    await reader.channel.unbindQueue(queue, exchange, 'stray.#');
  });

  it('does not lose a retry when its tier queue is missing: the copy comes back, the original is requeued', async () => {
    const tier = topologyNames.retryQueue(queue, 200);
    await reader.channel.deleteQueue(tier);
    try {
      let failures = 0;
      probe.behaviour = () => (failures++ === 0 ? new Error('transient') : undefined);
      const event = await publish('probe.tierless');
      await waitFor('handled after the failed retry copy', () => probe.deliveries.length >= 2 && failures >= 2);
      expect(probe.deliveries.every((d) => d.event.id === event.id)).toBe(true);
      await waitFor('empty queue', async () => (await reader.depth(queue)) === 0);
      expect(await reader.depth(topologyNames.deadLetterQueue(queue))).toBe(0);
    } finally {
      await declareConsumerQueue(reader.channel, {
        exchange,
        queue,
        bindings: ['probe.#'],
        retryDelaysMs: [200, 400],
        deliveryLimit: 3,
        singleActiveConsumer: false,
      });
    }
  });

  it('continues the publisher trace in the consumer span', async () => {
    spans.reset();
    const event = await publish('probe.traced');
    await waitFor('delivery', () => probe.deliveries.length === 1);
    const process = await waitFor('process span', () => spans.spans().find((s) => s.name === `process ${queue}`));
    const publishSpan = spans.spans().find((s) => s.name === `publish ${exchange}`);
    expect(publishSpan?.attributes['messaging.message.id']).toBe(event.id);
    expect(process.spanContext().traceId).toBe(publishSpan?.spanContext().traceId);
    expect(process.parentSpanContext?.spanId).toBe(publishSpan?.spanContext().spanId);
    expect(probe.deliveries[0]?.event.traceparent).toContain(publishSpan?.spanContext().traceId);
  });
});

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

describe('delivery limit', () => {
  it('parks a message that keeps killing its consumer, once the limit is reached', async () => {
    const exchange = uniqueName('ex');
    const queue = uniqueName('crashy');
    const connection = await amqp.connect(amqpUrl());
    try {
      const setup = await connection.createChannel();
      await declareExchange(setup, exchange);
      await declareConsumerQueue(setup, {
        exchange,
        queue,
        bindings: ['#'],
        retryDelaysMs: [],
        deliveryLimit: 2,
        singleActiveConsumer: false,
      });
      setup.publish(exchange, 'probe.poison', Buffer.from('{}'), { messageId: 'poison-1', persistent: true });
      for (let delivery = 1; delivery <= 3; delivery++) {
        const channel = await connection.createChannel();
        const message = await waitFor(`delivery ${delivery}`, () => channel.get(queue));
        expect(message.properties.messageId).toBe('poison-1');
        await channel.close();
      }
      const parked = await waitFor('parked poison', () => setup.get(topologyNames.deadLetterQueue(queue)));
      expect(parked.properties.messageId).toBe('poison-1');
      expect(parked.properties.headers?.['x-first-death-reason']).toBe('delivery_limit');
    } finally {
      await connection.close();
    }
  });

  it('with the hub policy, keeps a message past its limit when its parking queue cannot take it', async () => {
    const exchange = uniqueName('ex');
    const queue = uniqueName('crashy');
    const vhost = inject('amqpVhost');
    // The hub's policy, on this run's queue name instead of the services' ones.
    const { applyTo, definition } = deadLetterPolicy;
    await rabbitmqctl(
      'set_policy',
      '-p',
      vhost,
      '--apply-to',
      applyTo,
      queue,
      `^${queue}$`,
      JSON.stringify(definition),
    );
    const connection = await amqp.connect(amqpUrl());
    try {
      const setup = await connection.createChannel();
      await declareExchange(setup, exchange);
      await declareConsumerQueue(setup, {
        exchange,
        queue,
        bindings: ['#'],
        retryDelaysMs: [],
        deliveryLimit: 1,
        singleActiveConsumer: false,
      });
      // At-most-once dead-lettering would drop the message now; at-least-once keeps it.
      await setup.deleteQueue(topologyNames.deadLetterQueue(queue));
      setup.publish(exchange, 'probe.poison', Buffer.from('{}'), { messageId: 'poison-2', persistent: true });
      for (let delivery = 1; delivery <= 2; delivery++) {
        const channel = await connection.createChannel();
        await waitFor(`delivery ${delivery}`, () => channel.get(queue));
        await channel.close();
      }
      const dlq = topologyNames.deadLetterQueue(queue);
      await setup.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      const kept = () => Promise.all([held(vhost, queue), held(vhost, dlq)]).then(([a, b]) => a + b);
      await waitFor('the poison message kept by the broker', async () => (await kept()) > 0, { timeoutMs: 15_000 });
    } finally {
      await connection.close();
      await rabbitmqctl('clear_policy', '-p', vhost, queue);
    }
  });
});

/** Messages the queue holds in all (ready, unacked, and kept for at-least-once dead-lettering). */
async function held(vhost: string, queue: string): Promise<number> {
  const rows = await rabbitmqctl('list_queues', '-p', vhost, '--no-table-headers', 'name', 'messages');
  const row = rows.split('\n').find((line) => line.split('\t')[0] === queue);
  return Number(row?.split('\t')[1] ?? 0);
}
