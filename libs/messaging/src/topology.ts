import { type Channel } from 'amqplib';

/** Names of everything the hub declares on the broker, derived from the exchange and queue names. */
export const topologyNames = {
  /** Fanout exchange that catches what no binding of `hub.events` routes. */
  alternateExchange: (exchange: string) => `${exchange}.unrouted`,
  /** Queue that keeps unroutable messages for inspection. */
  unroutedQueue: (exchange: string) => `${exchange}.unrouted`,
  /** A consuming service's parking queue. */
  deadLetterQueue: (queue: string) => `${queue}.dlq`,
  /** One retry tier: messages wait there `delayMs`, then return to the origin queue. */
  retryQueue: (queue: string, delayMs: number) => `${queue}.retry.${delayMs}ms`,
};

/** Declares the exchange with its alternate exchange and unrouted queue. Idempotent. */
export async function declareExchange(channel: Channel, exchange: string): Promise<void> {
  const alternate = topologyNames.alternateExchange(exchange);
  await channel.assertExchange(alternate, 'fanout', { durable: true });
  await channel.assertQueue(topologyNames.unroutedQueue(exchange), {
    durable: true,
    arguments: { 'x-queue-type': 'quorum' },
  });
  await channel.bindQueue(topologyNames.unroutedQueue(exchange), alternate, '');
  await channel.assertExchange(exchange, 'topic', { durable: true, alternateExchange: alternate });
}

export interface ConsumerQueueSpec {
  exchange: string;
  queue: string;
  bindings: readonly string[];
  retryDelaysMs: readonly number[];
  deliveryLimit: number;
  singleActiveConsumer: boolean;
}

/**
 * Declares a service's quorum queue (delivery limit, dead-lettering to `<queue>.dlq`), its parking
 * queue, its retry tiers (TTL, dead-lettered back to the origin queue through the default exchange)
 * and its bindings. Idempotent; called again after every reconnect.
 */
export async function declareConsumerQueue(channel: Channel, spec: ConsumerQueueSpec): Promise<void> {
  const dlq = topologyNames.deadLetterQueue(spec.queue);
  await channel.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(spec.queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': spec.deliveryLimit,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': dlq,
      ...(spec.singleActiveConsumer ? { 'x-single-active-consumer': true } : {}),
    },
  });
  for (const delayMs of spec.retryDelaysMs) {
    await channel.assertQueue(topologyNames.retryQueue(spec.queue, delayMs), {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': spec.queue,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
  }
  for (const pattern of spec.bindings) {
    await channel.bindQueue(spec.queue, spec.exchange, pattern);
  }
}
