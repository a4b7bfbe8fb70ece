import { type Channel, type ChannelModel } from 'amqplib';
import { PARTITION_KEY_HEADER } from '@hub/contracts';

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
  /** The consistent-hash exchange in front of a partitioned service's partition queues. */
  partitionExchange: (queue: string) => `${queue}.partitions`,
  /** Partition `index` (0-based) of a partitioned service. */
  partitionQueue: (queue: string, index: number) => `${queue}.p${index}`,
  /** A retry tier of a partitioned service: dead-letters back into `<queue>.partitions` (same key, same partition). */
  partitionRetryQueue: (queue: string, delayMs: number) => `${queue}.partitions.retry.${delayMs}ms`,
  /** Alternate exchange of `<queue>.partitions`: what it cannot hash (no partition key header) goes to `.p0`. */
  unkeyedExchange: (queue: string) => `${queue}.partitions.unkeyed`,
};

/** Default of `HUB_PARTITIONS`: partition queues per partitioned service. */
export const DEFAULT_PARTITIONS = 4;
/** The most partitions a service may have (`HUB_PARTITIONS`). */
export const MAX_PARTITIONS = 64;

/** The partition queues of `queue`, in order. */
export function partitionQueues(queue: string, partitions: number): string[] {
  return Array.from({ length: partitions }, (_, index) => topologyNames.partitionQueue(queue, index));
}

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
  /**
   * Partition queues (`<queue>.p0` …) behind a consistent-hash exchange `<queue>.partitions` that
   * hashes the `x-hub-partition-key` header, each single-active-consumer, instead of the one
   * `<queue>`; its retry tiers (`<queue>.partitions.retry.<ms>ms`, only for `RetryLaterError`: other
   * failures are retried in place) return into the partitions. Unset: the plain queue.
   */
  partitions?: number;
}

/** A service queue's (or partition's) arguments: quorum, parked in `dlq` after `deliveryLimit` deliveries. */
function serviceQueueArguments(
  deliveryLimit: number,
  dlq: string,
  singleActiveConsumer: boolean,
): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': deliveryLimit,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': dlq,
    ...(singleActiveConsumer ? { 'x-single-active-consumer': true } : {}),
  };
}

/**
 * Declares a service's quorum queue (delivery limit, dead-lettering to `<queue>.dlq`), its parking
 * queue, its retry tiers (TTL, dead-lettered back to the origin queue through the default exchange)
 * and its bindings. Idempotent; called again after every reconnect.
 */
export async function declareConsumerQueue(channel: Channel, spec: ConsumerQueueSpec): Promise<void> {
  if (spec.partitions !== undefined) return declarePartitions(channel, { ...spec, partitions: spec.partitions });
  const dlq = topologyNames.deadLetterQueue(spec.queue);
  await channel.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(spec.queue, {
    durable: true,
    arguments: serviceQueueArguments(spec.deliveryLimit, dlq, spec.singleActiveConsumer),
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

/**
 * Declares a partitioned service's topology: the parking queue, the consistent-hash exchange
 * (plugin `rabbitmq_consistent_hash_exchange`) bound from the topic exchange with the service's
 * bindings (an event without the partition key header lands in `.p0`), and `partitions` quorum queues bound to it with equal weight, each with one active
 * consumer at a time (a replica that dies hands its partitions to a standby), a delivery limit
 * and dead-lettering to `<queue>.dlq`. Idempotent.
 */
async function declarePartitions(channel: Channel, spec: ConsumerQueueSpec & { partitions: number }): Promise<void> {
  const dlq = topologyNames.deadLetterQueue(spec.queue);
  const hash = topologyNames.partitionExchange(spec.queue);
  const unkeyed = topologyNames.unkeyedExchange(spec.queue);
  await channel.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertExchange(unkeyed, 'fanout', { durable: true });
  await channel.assertExchange(hash, 'x-consistent-hash', {
    durable: true,
    alternateExchange: unkeyed,
    arguments: { 'hash-header': PARTITION_KEY_HEADER },
  });
  for (const partition of partitionQueues(spec.queue, spec.partitions)) {
    await channel.assertQueue(partition, {
      durable: true,
      arguments: serviceQueueArguments(spec.deliveryLimit, dlq, true),
    });
    // The binding key of a consistent-hash binding is its weight: every partition takes an equal share.
    await channel.bindQueue(partition, hash, '1');
  }
  for (const delayMs of spec.retryDelaysMs) {
    await channel.assertQueue(topologyNames.partitionRetryQueue(spec.queue, delayMs), {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': hash,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
  }
  // RabbitMQ 3.10 hashes a missing header like a value (one partition for all of them); should a
  // broker not route such a message, the alternate exchange keeps it in the first partition.
  await channel.bindQueue(topologyNames.partitionQueue(spec.queue, 0), unkeyed, '');
  for (const pattern of spec.bindings) {
    await channel.bindExchange(hash, spec.exchange, pattern);
  }
}

/** The broker holds partition queues of another count than this service's `HUB_PARTITIONS`. */
export class PartitionCountError extends Error {
  override readonly name = 'PartitionCountError';
}

/**
 * Fails with {@link PartitionCountError} when the broker shows that another service runs with a
 * different `HUB_PARTITIONS` for `queue`: a partition beyond `partitions` exists (a service with
 * more), or the first exists and the last does not (a service with fewer). Every service that
 * declares the partitions must agree, or events hashed to a partition nobody consumes would wait
 * there for ever. Passive checks only, each on a channel of its own (a failed check closes it).
 */
export async function assertPartitionCount(model: ChannelModel, queue: string, partitions: number): Promise<void> {
  const exists = async (name: string): Promise<boolean> => {
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    try {
      await channel.checkQueue(name);
      await channel.close().catch(() => undefined);
      return true;
    } catch {
      return false;
    }
  };
  const beyond = topologyNames.partitionQueue(queue, partitions);
  if (await exists(beyond)) {
    throw new PartitionCountError(
      `HUB_PARTITIONS is ${partitions} but the broker has ${beyond}: another service runs with more partitions ` +
        '(HUB_PARTITIONS must be equal in every service; docs/architecture.md, Ordering per key)',
    );
  }
  const last = topologyNames.partitionQueue(queue, partitions - 1);
  if (partitions > 1 && (await exists(topologyNames.partitionQueue(queue, 0))) && !(await lastAppears(exists, last))) {
    throw new PartitionCountError(
      `HUB_PARTITIONS is ${partitions} but the broker has no ${last}: another service runs with fewer partitions ` +
        '(HUB_PARTITIONS must be equal in every service; docs/architecture.md, Ordering per key)',
    );
  }
}

/**
 * Whether the last partition queue exists, or appears within a second: a replica starting at the
 * same moment declares the partitions one after the other, so the first may exist before the last.
 */
async function lastAppears(exists: (name: string) => Promise<boolean>, last: string): Promise<boolean> {
  for (let check = 0; check < 5; check++) {
    if (await exists(last)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
