import { type ServiceQueue } from './service-queues.js';

/** Where and how to reach the bus. */
export interface ConnectionOptions {
  /** `amqp://user:pass@host:port/vhost`. */
  url: string;
  /** Shown in the RabbitMQ management UI and `rabbitmqctl list_connections`. */
  connectionName: string;
  /** The topic exchange every event goes through. Default `hub.events`; tests use a unique one. */
  exchange?: string;
  /** Heartbeat in seconds: a dead broker is noticed within about twice this. Default 10. */
  heartbeatSeconds?: number;
}

export interface PublisherOptions extends ConnectionOptions {
  /**
   * Publishes awaiting a broker confirm at once. Past it `publish` fails fast with
   * PublishOverloadError instead of buffering without bound. Default 1,000.
   */
  maxUnconfirmed?: number;
  /** A publish not confirmed within this many ms fails with PublishTimeoutError. Default 10,000. */
  confirmTimeoutMs?: number;
  /**
   * The consumer queues this publisher feeds (`serviceQueues` of the services that consume what it
   * publishes). Declared, with their bindings and parking queues, on every (re)connect, so an event
   * published before its consumer first started waits in the consumer's queue instead of going
   * to `<exchange>.unrouted`. Default none.
   */
  feeds?: readonly ServiceQueue[];
  /** `HUB_PARTITIONS`: partition queues of each partitioned queue it feeds. Default 4. */
  partitions?: number;
}

export interface ConsumerOptions extends ConnectionOptions {
  /** The service's own durable quorum queue; its parking queue is `<queue>.dlq`. */
  queue: string;
  /**
   * Bindings declared with the queue besides one per handler pattern: the service's
   * `serviceQueues` entry, which the publishers that feed it declare too. Default none.
   */
  bindings?: readonly string[];
  /** Unacknowledged deliveries at once: bounds in-flight work (back-pressure). Default 64. */
  prefetch?: number;
  /**
   * Delays of the retry tiers, in ms. A failed attempt N (1-based) waits `retryDelaysMs[N-1]`;
   * once every tier is used, the message is dead-lettered. Default [1000, 10000, 60000].
   */
  retryDelaysMs?: readonly number[];
  /**
   * Deliveries the broker allows for one message before it parks it in `<queue>.dlq` itself.
   * Guards against messages that crash the consumer before it can decide anything. Default 5.
   */
  deliveryLimit?: number;
  /** One consumer at a time receives from the queue, to keep order. Default false. */
  singleActiveConsumer?: boolean;
  /**
   * Consume `partitions` partition queues `<queue>.p0` … (per-key order: one message per
   * partition key at a time, retried in place, different keys in parallel) instead of `<queue>`.
   * The service's `serviceQueues` entry sets it. Default false.
   */
  partitioned?: boolean;
  /** `HUB_PARTITIONS`: how many partition queues a partitioned queue has. Default 4. */
  partitions?: number;
  /**
   * Park internal commands and results whose `hubsource` is not their issuer (`issuersOfType` of
   * `@hub/contracts`) before any handler sees them. Default true; only a consumer that records
   * every event and obeys none (the SIEM forwarder) turns it off, so forgeries reach the audit trail.
   */
  checkIssuers?: boolean;
  /**
   * On shutdown, how long to let the handlers in hand finish before the rest are requeued (same
   * attempt) and the connection closes (`HUB_SHUTDOWN_GRACE`). Default 8,000 ms.
   */
  shutdownGraceMs?: number;
}

export const DEFAULT_EXCHANGE = 'hub.events';
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 10_000, 60_000];
