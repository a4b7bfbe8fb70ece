import amqp from 'amqplib';
import { inject } from 'vitest';
import { amqpUrl, rabbitmqctl, uniqueName, waitFor } from '@hub/testing';
import { deadLetterPolicy, parkingPolicy, PARKING_LIMITS, serviceQueues } from './service-queues.js';
import { declareConsumerQueue, declareExchange, topologyNames } from './topology.js';

/** The bounds of the parking and unrouted queues, as the broker applies the hub's policy. */
describe('parking policy', () => {
  const vhost = inject('amqpVhost');

  it('matches every parking queue and the unrouted queue, and none of the service queues', () => {
    const pattern = new RegExp(parkingPolicy.pattern);
    for (const { queue } of Object.values(serviceQueues)) {
      expect(pattern.test(topologyNames.deadLetterQueue(queue)), queue).toBe(true);
      expect(pattern.test(queue), queue).toBe(false);
      expect(new RegExp(deadLetterPolicy.pattern).test(topologyNames.deadLetterQueue(queue))).toBe(false);
    }
    expect(pattern.test(topologyNames.unroutedQueue('hub.events'))).toBe(true);
    expect(parkingPolicy.definition).toMatchObject({
      'max-length': PARKING_LIMITS.maxLength,
      'message-ttl': PARKING_LIMITS.messageTtlMs,
      overflow: 'reject-publish',
    });
  });

  it('bounds existing quorum queues declared without limits: full refuses, old expires', async () => {
    const exchange = uniqueName('ex');
    const queue = uniqueName('svc');
    const dlq = topologyNames.deadLetterQueue(queue);
    const unrouted = topologyNames.unroutedQueue(exchange);
    const connection = await amqp.connect(amqpUrl());
    const name = uniqueName('parking');
    try {
      const setup = await connection.createConfirmChannel();
      await declareExchange(setup, exchange);
      await declareConsumerQueue(setup, {
        exchange,
        queue,
        bindings: ['probe.#'],
        retryDelaysMs: [],
        deliveryLimit: 5,
        singleActiveConsumer: false,
      });
      // The hub's definition on this run's queues, a limit of 2 so the test can fill it, a short TTL
      // on the unrouted queue so it can watch one expire. The broker validates every key.
      await rabbitmqctl(
        'set_policy',
        '-p',
        vhost,
        '--apply-to',
        parkingPolicy.applyTo,
        name,
        `^${dlq}$`,
        JSON.stringify({ ...parkingPolicy.definition, 'max-length': 2 }),
      );
      await rabbitmqctl(
        'set_policy',
        '-p',
        vhost,
        '--apply-to',
        parkingPolicy.applyTo,
        `${name}-u`,
        `^${unrouted.replace(/\./g, '\\.')}$`,
        JSON.stringify({ ...parkingPolicy.definition, 'message-ttl': 300 }),
      );
      await waitFor('the policy applied to the existing queues', async () => {
        const listed = await rabbitmqctl('list_queues', '-p', vhost, 'name', 'policy');
        return listed.includes(`${dlq}\t${name}`) && listed.includes(`${unrouted}\t${name}-u`);
      });

      const publish = (routingKey: string, target?: string) =>
        new Promise<boolean>((resolve) => {
          const body = Buffer.from('{}');
          const done = (error: unknown) => resolve(!error);
          if (target) setup.sendToQueue(target, body, { persistent: true }, done);
          else setup.publish(exchange, routingKey, body, { persistent: true }, done);
        });
      const confirmed: boolean[] = [];
      for (let i = 0; i < 5; i += 1) confirmed.push(await publish('', dlq));
      // A quorum queue refuses once it is over its limit (it takes one more, then nacks): the parker
      // keeps what was nacked and retries, nothing is dropped unseen.
      expect(confirmed).toEqual([true, true, true, false, false]);

      expect(await publish('nobody.binds.this')).toBe(true); // to the unrouted queue
      await waitFor('the unrouted message expired', async () => (await setup.checkQueue(unrouted)).messageCount === 0);
      expect((await setup.checkQueue(dlq)).messageCount).toBe(3);
    } finally {
      await rabbitmqctl('clear_policy', '-p', vhost, name).catch(() => undefined);
      await rabbitmqctl('clear_policy', '-p', vhost, `${name}-u`).catch(() => undefined);
      await connection.close();
    }
  });
});
