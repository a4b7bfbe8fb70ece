import { type ConsumerQueueSpec, DEFAULT_PARTITIONS } from './topology.js';

/**
 * A consuming service's queue as every side declares it: the consumer when it starts, and each
 * publisher that feeds it, so an event accepted before the consumer first ran still reaches it.
 * Both sides build the arguments from this one definition ({@link declareConsumerQueue}); a queue
 * declared twice with different arguments would fail the second declare with PRECONDITION_FAILED.
 */
export interface ServiceQueue {
  /** The durable quorum queue; its parking queue is `<queue>.dlq`. */
  readonly queue: string;
  /**
   * The bindings every instance of the service has, whatever it loaded: its handlers'
   * `@EventPattern`s. The consumer adds the patterns of handlers registered at run time (the
   * sensor's extra event types) when it starts.
   */
  readonly bindings: readonly string[];
  /** Deliveries before the broker parks a message in `<queue>.dlq` itself. */
  readonly deliveryLimit: number;
  /** One consumer at a time receives from the queue. */
  readonly singleActiveConsumer: boolean;
  /**
   * Consumed through `HUB_PARTITIONS` partition queues `<queue>.p0` … behind the consistent-hash
   * exchange `<queue>.partitions` (per-key order, docs/architecture.md), not through `<queue>`.
   */
  readonly partitioned: boolean;
}

function service<const T extends ServiceQueue>(definition: T): T {
  return definition;
}

/**
 * Every consuming service's queue, by service name. The default delivery limit is 5. The services
 * that act per incident (or per deployment) are partitioned; the SIEM forwarder records every
 * event in batches and keeps one plain queue.
 */
export const serviceQueues = {
  sensor: service({
    queue: 'sensor',
    bindings: ['alert.firing', 'alert.resolved', 'action.succeeded', 'action.failed', 'git.#', 'ci.#', 'registry.#'],
    deliveryLimit: 5,
    singleActiveConsumer: false,
    partitioned: true,
  }),
  'remediation-executor': service({
    queue: 'remediation-executor',
    bindings: ['action.requested.#', 'provisioning.requested'],
    deliveryLimit: 5,
    singleActiveConsumer: false,
    partitioned: true,
  }),
  notifier: service({
    queue: 'notifier',
    bindings: ['notification.requested'],
    deliveryLimit: 5,
    singleActiveConsumer: false,
    partitioned: true,
  }),
  ticketing: service({
    queue: 'ticketing',
    bindings: ['ticket.requested'],
    deliveryLimit: 5,
    singleActiveConsumer: false,
    partitioned: true,
  }),
  'siem-forwarder': service({
    queue: 'siem-forwarder',
    bindings: ['#'],
    deliveryLimit: 5,
    singleActiveConsumer: false,
    partitioned: false,
  }),
} as const satisfies Record<string, ServiceQueue>;

export type ServiceName = keyof typeof serviceQueues;

/**
 * What a publisher declares for a queue it feeds: the queue (or its `partitions` partition queues
 * and their exchange), its parking queue and its bindings. Not the retry tiers: their delays are
 * the consumer's configuration, and only the consumer sends to them (it declares them when it starts).
 */
export function publisherQueueSpec(
  exchange: string,
  queue: ServiceQueue,
  partitions: number = DEFAULT_PARTITIONS,
): ConsumerQueueSpec {
  return {
    exchange,
    queue: queue.queue,
    bindings: queue.bindings,
    retryDelaysMs: [],
    deliveryLimit: queue.deliveryLimit,
    singleActiveConsumer: queue.singleActiveConsumer,
    ...(queue.partitioned ? { partitions } : {}),
  };
}

/**
 * The queues each publishing service feeds: whoever consumes what it publishes. The SIEM forwarder
 * records every event, so every publisher feeds it.
 */
export const publisherFeeds = {
  'ingest-gateway': ['sensor', 'remediation-executor', 'siem-forwarder'],
  sensor: ['remediation-executor', 'notifier', 'ticketing', 'siem-forwarder'],
  'remediation-executor': ['sensor', 'notifier', 'siem-forwarder'],
  scheduler: ['sensor', 'siem-forwarder'],
  'event-sources': ['sensor', 'siem-forwarder'],
} as const satisfies Record<string, readonly ServiceName[]>;

/** The `feeds` of a publishing service's `HubPublisher`. */
export function feedsOf(publisher: keyof typeof publisherFeeds): ServiceQueue[] {
  return publisherFeeds[publisher].map((name) => serviceQueues[name]);
}

/**
 * The broker policy that makes the broker's own parking (a message past its delivery limit)
 * at-least-once: quorum queues dead-letter at-most-once unless told otherwise, so a parking the
 * DLQ did not confirm would drop the message. A policy, not queue arguments, because the
 * arguments of an existing queue cannot change (the declare fails with PRECONDITION_FAILED);
 * at-least-once needs `overflow: reject-publish`. Apply it per vhost (docs/operations.md):
 * `rabbitmqctl set_policy --apply-to queues <name> '<pattern>' '<definition JSON>'`.
 */
export const deadLetterPolicy = {
  name: 'hub-service-queues',
  // A service queue, or one of its partitions (`<queue>.p0` …).
  pattern: `^(${Object.values(serviceQueues)
    .map((queue) => queue.queue.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|')})(\\.p[0-9]+)?$`,
  definition: { 'dead-letter-strategy': 'at-least-once', overflow: 'reject-publish' },
  applyTo: 'queues',
} as const;

/** What {@link parkingPolicy} allows a parking or unrouted queue to hold. */
export const PARKING_LIMITS = {
  /** Messages per queue (the alert `HubParkingQueueFilling` fires at 80 %). */
  maxLength: 100_000,
  /** Bytes per queue: 1 GiB. */
  maxLengthBytes: 1024 * 1024 * 1024,
  /** How long a parked message is kept: 14 days to look at it and replay it (`hub dlq`). */
  messageTtlMs: 14 * 86_400_000,
} as const;

/**
 * The broker policy that bounds the parking queues (`<service>.dlq`) and the unrouted queue
 * (`<exchange>.unrouted`): a length, a size and a TTL, so a poison flood or a misrouted producer
 * cannot fill the broker's disk. A policy for the same reason as {@link deadLetterPolicy} (queue
 * arguments cannot change on existing queues); its pattern matches none of the service queues, so
 * the two never compete (one policy per queue). Full, a queue refuses more (`reject-publish`): the
 * hub's own parking is then nacked and retried, the broker's at-least-once parking keeps the message
 * in the service queue, and nothing is dropped unseen; a parked message older than the TTL is
 * deleted. docs/operations.md says how to apply it.
 */
export const parkingPolicy = {
  name: 'hub-parking-queues',
  pattern: `^((${Object.values(serviceQueues)
    .map((queue) => queue.queue.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|')})\\.dlq|.+\\.unrouted)$`,
  definition: {
    'max-length': PARKING_LIMITS.maxLength,
    'max-length-bytes': PARKING_LIMITS.maxLengthBytes,
    'message-ttl': PARKING_LIMITS.messageTtlMs,
    overflow: 'reject-publish',
  },
  applyTo: 'queues',
} as const;
