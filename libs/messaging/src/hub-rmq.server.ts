import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { type ChannelModel, type ConsumeMessage } from 'amqplib';
import { isObservable, lastValueFrom } from 'rxjs';
import { type HubEvent, PARTITION_KEY_HEADER, topicMatches } from '@hub/contracts';
import { MessagingMetrics } from '@hub/telemetry';
import { decideAck } from './ack-policy.js';
import { AmqpConnection, describe } from './amqp-connection.js';
import { ConfirmTracker } from './confirm-tracker.js';
import { ConsumerMetrics } from './consumer-metrics.js';
import { InFlightDeliveries } from './consumer-shutdown.js';
import { DeliverySettler, type Generation, HubHeaders, type Settlement } from './delivery-settler.js';
import { type DecodedEnvelope, decodeEnvelope } from './envelope-decoder.js';
import { HubMessageContext, type QueuedEvent } from './hub-message.context.js';
import { assertIssuer } from './issuer-check.js';
import { KeyedSerialExecutor } from './keyed-serial-executor.js';
import { DeadLetterError, RetryLaterError } from './messaging.errors.js';
import { DEFAULT_EXCHANGE, DEFAULT_RETRY_DELAYS_MS, type ConsumerOptions } from './messaging.options.js';
import { checkPartitionCounts } from './partition-check.js';
import { drainPlainQueue, partitionKeyOfBody } from './plain-queue-drain.js';
import {
  assertPartitionCount,
  declareConsumerQueue,
  declareExchange,
  DEFAULT_PARTITIONS,
  partitionQueues,
  topologyNames,
} from './topology.js';
import { extractTraceContext, startProcessSpan } from './trace-context.js';

export const HUB_TRANSPORT = Symbol('hub-rmq');

export { copyProperties, HubHeaders } from './delivery-settler.js';

/** Default of `shutdownGraceMs`: inside `npm start`'s 10 s before SIGKILL (the chart sets its own). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 8_000;

/** What a delivery decodes to: its envelope, and the failure that parks it unhandled, if any. */
interface Decoding {
  readonly decoded?: DecodedEnvelope;
  readonly failure?: unknown;
}

/**
 * Nest transport on amqplib for the hub bus. Handlers stay `@EventPattern('alert.firing')`; each
 * pattern becomes a binding of the service's quorum queue. Every delivery is acked only after its
 * handlers finished (an internal command or result not from its issuer is parked before any
 * handler sees it, see {@link assertIssuer}): success → ack; failure → a copy to the next retry tier (or the parking queue,
 * with the reason in headers), confirmed by the broker, then ack. Unexpected exceptions are retried,
 * never left unacked. Deliveries of a channel that died are left to the broker to redeliver.
 *
 * Partitioned (`partitioned`, the services of `serviceQueues` that act per incident): it consumes
 * every partition queue `<queue>.pN` (single active consumer each) and runs one delivery per
 * partition key at a time, in delivery order, through a {@link KeyedSerialExecutor}, while other
 * keys run in parallel up to the prefetch. A failed attempt is retried in place after its tier's
 * delay (the key waits behind it; the delivery stays unacked), then parked in `<queue>.dlq`,
 * which releases the key; a `RetryLaterError` goes to a retry tier of the partitions instead and
 * releases the key at once. docs/architecture.md, "Ordering per key".
 */
export class HubRmqServer extends Server implements CustomTransportStrategy {
  override readonly transportId = HUB_TRANSPORT;
  protected override readonly logger = new Logger(HubRmqServer.name);
  private readonly connection: AmqpConnection;
  private readonly exchange: string;
  private readonly retryDelaysMs: readonly number[];
  private readonly metrics = new MessagingMetrics();
  private readonly consumerMetrics: ConsumerMetrics;
  private readonly inFlight = new InFlightDeliveries((error) =>
    this.logger.error(`Handling a delivery failed unexpectedly: ${describe(error)}`),
  );
  /** The handlers of each routing key seen, in registration order (patterns match the same way every time). */
  private readonly handlersOf = new Map<string, MessageHandler[]>();
  private readonly settler: DeliverySettler;
  private generation?: Generation;
  private consumerTag?: string;
  private stopping = false;
  /** The connection the consumer channel lives on (a reconnect replaces it and re-runs setup). */
  private model?: ChannelModel;
  private consuming = false;
  private reopening?: NodeJS.Timeout;
  /** While a dependency is away: what, and until when consumption rests. */
  private paused?: { dependency: string; until: number; timer: NodeJS.Timeout; backoffMs: number };
  private pauseBackoffMs = 0;
  /** Partitioned: the queues consumed (`<queue>.pN`), or undefined for the plain `<queue>`. */
  private readonly partitionNames?: readonly string[];
  /** Partitioned: each key's deliveries one at a time (the deliveries waiting are its items). */
  private readonly keys = new KeyedSerialExecutor<ConsumeMessage>();
  /** A waiting delivery decoded early ({@link HubMessageContext.getQueuedBehind}): its turn reuses it. */
  private readonly decodings = new WeakMap<ConsumeMessage, Decoding>();
  /** Ends the in-place retry waits when the service stops. */
  private readonly stopped = new AbortController();

  constructor(private readonly options: ConsumerOptions) {
    super();
    this.exchange = options.exchange ?? DEFAULT_EXCHANGE;
    this.retryDelaysMs = [...(options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS)].sort((a, b) => a - b);
    if (options.partitioned) {
      this.partitionNames = partitionQueues(options.queue, options.partitions ?? DEFAULT_PARTITIONS);
    }
    this.consumerMetrics = new ConsumerMetrics(this.metrics, options.queue);
    this.connection = new AmqpConnection(options, (model) => this.setup(model));
    this.settler = new DeliverySettler(
      options.queue,
      this.metrics,
      this.logger,
      options.partitioned
        ? (delayMs) => topologyNames.partitionRetryQueue(options.queue, delayMs)
        : (delayMs) => topologyNames.retryQueue(options.queue, delayMs),
    );
  }

  /** Connected, queue declared, and the consumer channel open and consuming. */
  get ready(): boolean {
    return this.connection.ready && this.consuming && !this.stopping && !this.paused;
  }

  /** Why the consumer does not take deliveries now, or undefined while it does. */
  get unavailableReason(): string | undefined {
    if (this.stopping) return 'stopping';
    if (!this.connection.ready || !this.consuming) return 'not consuming from the broker';
    if (this.paused) return `paused: ${this.paused.dependency} unavailable`;
    return undefined;
  }

  /** Deliveries taken and not settled yet: running, retried in place, or waiting behind their key. */
  get deliveriesInHand(): number {
    return this.inFlight.size;
  }

  /** Binding patterns: one per `@EventPattern`. */
  get bindings(): string[] {
    return [...this.messageHandlers.keys()];
  }

  listen(callback: (error?: unknown) => void): void {
    const unhandled = (this.options.bindings ?? []).filter(
      (binding) => !this.bindings.some((pattern) => pattern === binding || topicMatches(pattern, binding)),
    );
    if (unhandled.length > 0) {
      // The publishers bind these to the queue too: without a handler every such event is parked.
      callback(new Error(`${this.options.queue}: no handler for the declared binding(s) ${unhandled.join(', ')}`));
      return;
    }
    const partitions = this.partitionNames ? [this.options.queue] : [];
    checkPartitionCounts(this.options.url, partitions, this.partitionCount)
      .then(() => this.connection.start())
      .then(
        () => callback(),
        (error: unknown) => callback(error),
      );
  }

  private get partitionCount(): number {
    return this.partitionNames?.length ?? 0;
  }

  waitUntilReady(timeoutMs = 10_000): Promise<void> {
    return this.connection.waitUntilReady(timeoutMs);
  }

  /**
   * A graceful stop, for a rolling deploy: cancel consuming first (no new deliveries), let the
   * handlers in hand finish within `shutdownGraceMs`, then requeue the deliveries still running —
   * a copy to the service queue with the same attempt, confirmed, then ack — so no attempt is
   * spent and no delivery limit is reached by restarts. A handler that fails meanwhile (interrupted
   * by the shutdown) is requeued the same way. Then disconnect.
   */
  async close(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    clearTimeout(this.reopening);
    clearTimeout(this.paused?.timer);
    if (this.partitionNames) return this.closePartitioned();
    const generation = this.generation;
    if (generation && this.consumerTag) await generation.channel.cancel(this.consumerTag).catch(() => undefined);
    const left = await this.inFlight.drain(this.options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
    if (left.length > 0) this.logger.warn(`Shutting down: requeueing ${left.length} deliveries still in hand`);
    await Promise.all(
      left.map(({ message, generation: held }) =>
        this.settler.settle(held, message, { action: 'requeue', reason: 'shutdown' }, metaOf(message)),
      ),
    );
    await this.inFlight.settled(1_000);
    await this.connection.close();
  }

  /**
   * The partitioned stop: no cancel first — a cancelled single-active consumer hands its partition
   * to a standby at once, which would run the next events of a key while this one still handles
   * an earlier one. Instead no new delivery starts, the handlers in hand get `shutdownGraceMs` to
   * finish, and closing the connection returns everything not acked to the head of its partition,
   * in order; only then does a standby take the partition over.
   */
  private async closePartitioned(): Promise<void> {
    const left = await this.inFlight.drain(this.options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
    if (left.length > 0) this.logger.warn(`Shutting down: returning ${left.length} deliveries to their partitions`);
    await this.connection.close();
  }

  on(): never {
    throw new Error('HubRmqServer has no events to listen to; use its logger output and metrics');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  private async setup(model: ChannelModel): Promise<void> {
    this.model = model;
    clearTimeout(this.reopening);
    await this.openConsumer(model);
  }

  /**
   * Opens the consumer channel on `model`: topology, prefetch, consume. The broker may close this
   * channel while the connection stays up — a delivery unacked beyond `consumer_timeout` (a long
   * action, a SIEM sink that is down), a channel-level error — or cancel the consumer (its queue
   * deleted). Either way the service would sit connected and idle; instead it stops being ready
   * and opens a new channel, with backoff, until it consumes again. Deliveries of the closed
   * channel go back to the queue by themselves. A lost connection is left to its own recovery,
   * which calls `setup` again.
   */
  private async openConsumer(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) => {
      this.logger.warn(`Consumer channel error: ${error.message}`);
    });
    if (this.partitionNames) await assertPartitionCount(model, this.options.queue, this.partitionCount);
    await declareExchange(channel, this.exchange);
    const bindings = [...new Set([...(this.options.bindings ?? []), ...this.bindings])];
    await declareConsumerQueue(channel, {
      exchange: this.exchange,
      queue: this.options.queue,
      bindings,
      retryDelaysMs: this.retryDelaysMs,
      deliveryLimit: this.options.deliveryLimit ?? 5,
      singleActiveConsumer: this.options.singleActiveConsumer ?? false,
      ...(this.partitionNames ? { partitions: this.partitionCount } : {}),
    });
    if (this.partitionNames) {
      const moved = await drainPlainQueue(model, { exchange: this.exchange, queue: this.options.queue, bindings });
      if (moved > 0)
        this.logger.log(`Moved ${moved} messages of the plain queue ${this.options.queue} into its partitions`);
    }
    const prefetch = this.options.prefetch ?? 64;
    // Per consumer: the partitions share the service's prefetch.
    await channel.prefetch(this.partitionNames ? Math.max(1, Math.ceil(prefetch / this.partitionCount)) : prefetch);
    const generation: Generation = { channel, confirms: new ConfirmTracker(channel, 10_000, 30_000) };
    this.generation = generation;
    channel.on('close', () => this.consumerLost(model, generation, 'the broker closed the consumer channel'));
    this.consumerTag = await this.consume(model, generation);
    this.consuming = true;
    const what = this.partitionNames
      ? `${this.options.queue} in ${this.partitionCount} partitions`
      : this.options.queue;
    this.logger.log(`Consuming ${what} (bindings: ${this.bindings.join(', ') || 'none'})`);
  }

  private async consume(model: ChannelModel, generation: Generation): Promise<string> {
    if (this.partitionNames) return this.consumePartitions(model, generation);
    const { channel } = generation;
    const { consumerTag } = await channel.consume(this.options.queue, (message) => {
      if (message && this.stopping) {
        // Delivered between the cancel and its answer: back to the queue untouched, no attempt spent.
        void this.settler.settle(generation, message, { action: 'requeue', reason: 'shutdown' }, metaOf(message));
      } else if (message) {
        this.inFlight.track(message, generation, this.handleDelivery(generation, message));
      }
      // null: the broker cancelled the consumer (queue deleted, node gone); close to start over.
      else void channel.close().catch(() => this.consumerLost(model, generation, 'the broker cancelled the consumer'));
    });
    return consumerTag;
  }

  /**
   * One consumer per partition queue; each delivery waits behind the deliveries of its key. While
   * stopping, new deliveries are left unacked: closing the connection returns them in order.
   */
  private async consumePartitions(model: ChannelModel, generation: Generation): Promise<string> {
    const { channel } = generation;
    const tags: string[] = [];
    for (const partition of this.partitionNames ?? []) {
      const { consumerTag } = await channel.consume(partition, (message) => {
        if (message && !this.stopping) {
          const key = partitionKeyOfDelivery(message);
          const work = this.keys.run(
            key,
            () => (this.stopping ? Promise.resolve() : this.handleDelivery(generation, message, key)),
            message,
          );
          this.inFlight.track(message, generation, work);
        } else if (!message) {
          void channel.close().catch(() => this.consumerLost(model, generation, 'the broker cancelled the consumer'));
        }
      });
      tags.push(consumerTag);
    }
    return tags[0] ?? '';
  }

  /**
   * A dependency every delivery needs is away: stop taking deliveries for a while (1 s, doubling to
   * 30 s while it stays away), so the backlog waits in the queue instead of cycling through the
   * retry tiers into the DLQ. Deliveries already in hand are held too (they come back through the
   * first tier). After the pause the consumer takes deliveries again; the first one tells.
   */
  private pause(generation: Generation, dependency: string): void {
    if (this.partitionNames) return; // partitioned: the key holds in place (handleDelivery)
    if (this.paused || this.stopping || this.generation !== generation) return;
    this.pauseBackoffMs = Math.min(Math.max(this.pauseBackoffMs * 2, 1_000), 30_000);
    const backoffMs = this.pauseBackoffMs;
    const tag = this.consumerTag;
    this.logger.warn(`${dependency} unavailable: pausing ${this.options.queue} for ${backoffMs} ms`);
    this.consumerMetrics.paused(dependency);
    if (tag) void generation.channel.cancel(tag).catch(() => undefined);
    const timer = setTimeout(() => {
      this.paused = undefined;
      if (this.stopping || this.generation !== generation || !this.model) return;
      this.consume(this.model, generation).then(
        (consumerTag) => {
          this.consumerTag = consumerTag;
          this.logger.log(`Resuming ${this.options.queue} after pausing for ${dependency}`);
        },
        (error: unknown) => this.logger.warn(`Resuming ${this.options.queue} failed: ${describe(error)}`),
      );
    }, backoffMs);
    timer.unref();
    this.paused = { dependency, until: Date.now() + backoffMs, timer, backoffMs };
  }

  private consumerLost(model: ChannelModel, generation: Generation, why: string, attempt = 1): void {
    if (this.generation !== generation || this.stopping || this.model !== model) return;
    this.consuming = false;
    if (!this.connection.ready) return; // the connection went down with it: its recovery re-runs setup
    const delayMs = Math.min(200 * 2 ** (attempt - 1), 5_000);
    if (attempt === 1) this.logger.warn(`Not consuming ${this.options.queue}: ${why}; opening a new channel`);
    clearTimeout(this.reopening);
    this.reopening = setTimeout(() => {
      if (this.generation !== generation || this.stopping || this.model !== model) return;
      this.openConsumer(model).then(
        () => this.logger.log(`Consuming ${this.options.queue} again after ${why}`),
        (error: unknown) => {
          this.logger.warn(`Reopening the consumer channel failed (attempt ${attempt}): ${describe(error)}`);
          this.consumerLost(model, generation, why, attempt + 1);
        },
      );
    }, delayMs);
    this.reopening.unref();
  }

  /** `key`: the partition key the delivery waited behind (partitioned only). */
  private async handleDelivery(generation: Generation, message: ConsumeMessage, key?: string): Promise<void> {
    const started = performance.now();
    const meta = metaOf(message);
    const { routingKey } = meta;
    const { decoded, failure: refused } = this.decodings.get(message) ?? this.decode(message, routingKey);
    let failure = refused;
    const event = decoded?.event;
    const messageId = event?.id ?? String(message.properties.messageId ?? '');
    const headers = message.properties.headers ?? {};
    const span = startProcessSpan(extractTraceContext(headers, event), this.options.queue, meta, messageId);
    const type = decoded ? (decoded.definition?.type ?? 'unknown') : 'malformed';
    if (event && failure === undefined) {
      ({ failure, attempt: meta.attempt } = await context.with(trace.setSpan(context.active(), span), () =>
        this.handle(routingKey, event, type, message, meta.attempt, key),
      ));
    }
    const { attempt } = meta;
    const decided = decideAck(failure, attempt, this.retryDelaysMs);
    const interrupted = this.stopping && (decided.action === 'retry' || decided.action === 'hold');
    // Failing while the service stops (interrupted by the shutdown) is not the message's fault.
    const decision: Settlement = interrupted ? { action: 'requeue', reason: decided.reason } : decided;
    if (failure !== undefined) {
      span.recordException(failure as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: describe(failure) });
      context.with(trace.setSpan(context.active(), span), () =>
        this.logger.warn(
          `${routingKey} ${messageId} attempt ${attempt} failed (${decision.action}): ${describe(failure)}`,
        ),
      );
    }
    span.setAttribute('hub.ack.decision', decision.action);
    // Past the grace period the shutdown requeued it already; a partitioned one goes back to the
    // head of its partition when the connection closes.
    if (!this.inFlight.isAbandoned(message) && !(interrupted && this.partitionNames)) {
      await this.settler.settle(generation, message, decision, meta);
    }
    if (decision.action === 'hold') this.pause(generation, decision.dependency);
    else if (decision.action === 'ack') this.pauseBackoffMs = 0;
    this.consumerMetrics.consumed(type, decision.action);
    const age = event ? Date.now() - Date.parse(event.time) : Number.NaN;
    this.consumerMetrics.handled(type, (performance.now() - started) / 1000, age / 1000);
    span.end();
  }

  /** The handlers of one decoded delivery, and (partitioned) its retries in place, in its span's context. */
  private async handle(
    routingKey: string,
    event: HubEvent,
    type: string,
    message: ConsumeMessage,
    attempt: number,
    key?: string,
  ): Promise<{ failure: unknown; attempt: number }> {
    const queued = key === undefined ? undefined : () => this.queuedBehind(key);
    const ctx = new HubMessageContext([message, this.options.queue, routingKey, attempt, queued]);
    const failure = await this.dispatch(routingKey, event, ctx);
    if (failure === undefined || !this.partitionNames) return { failure, attempt };
    return this.retryInPlace(routingKey, event, type, message, failure, attempt, queued);
  }

  /** The deliveries of `key` waiting behind the one running, decoded (each once) as `handleDelivery` will. */
  private queuedBehind(key: string): QueuedEvent[] {
    return this.keys.waiting(key).flatMap((message) => {
      const { routingKey } = metaOf(message);
      let decoding = this.decodings.get(message);
      if (!decoding) {
        decoding = this.decode(message, routingKey);
        this.decodings.set(message, decoding);
      }
      return decoding.decoded && decoding.failure === undefined ? [{ routingKey, event: decoding.decoded.event }] : [];
    });
  }

  /** The delivery's envelope, or why it is parked unhandled (not a hub envelope, not from its issuer). */
  private decode(message: ConsumeMessage, routingKey: string): Decoding {
    let decoded: DecodedEnvelope | undefined;
    try {
      decoded = decodeEnvelope(message.content);
      if (this.options.checkIssuers !== false) assertIssuer(decoded.event, routingKey);
      return { decoded };
    } catch (failure) {
      return { decoded, failure };
    }
  }

  /**
   * Partitioned: retries a failed attempt in place — waits its tier's delay (a `hold` waits without
   * spending an attempt, backing off to 30 s), then runs the handlers again — until it succeeds,
   * the policy parks it, the handler asks for later (`RetryLaterError`: to a retry tier, like the
   * plain queue), or the service stops. The delivery stays unacked and its key waits.
   */
  private async retryInPlace(
    routingKey: string,
    event: HubEvent,
    type: string,
    message: ConsumeMessage,
    failed: unknown,
    firstAttempt: number,
    queued?: () => readonly QueuedEvent[],
  ): Promise<{ failure: unknown; attempt: number }> {
    let failure = failed;
    let attempt = firstAttempt;
    let holdMs = 0;
    // A handler that asks to be retried later (a reply waiting for its predecessor, a vendor's
    // Retry-After) goes out of line to a retry tier instead: its key is released meanwhile.
    while (failure !== undefined && !this.stopping && !(failure instanceof RetryLaterError)) {
      const decision = decideAck(failure, attempt, this.retryDelaysMs);
      if (decision.action !== 'retry' && decision.action !== 'hold') break;
      holdMs = decision.action === 'hold' ? Math.min(Math.max(holdMs * 2, decision.delayMs), 30_000) : 0;
      const delayMs = decision.action === 'hold' ? holdMs : decision.delayMs;
      this.logger.warn(
        `${routingKey} ${event.id} attempt ${attempt} failed (${decision.action} in place, ${delayMs} ms): ${describe(failure)}`,
      );
      this.consumerMetrics.consumed(type, decision.action);
      const waited = await sleep(delayMs, true, { signal: this.stopped.signal }).catch(() => false);
      if (!waited || this.stopping) break;
      if (decision.action === 'retry') attempt++;
      const ctx = new HubMessageContext([message, this.options.queue, routingKey, attempt, queued]);
      failure = await this.dispatch(routingKey, event, ctx);
    }
    return { failure, attempt };
  }

  /** Runs every handler whose pattern matches; returns the first failure, if any. */
  private async dispatch(routingKey: string, event: HubEvent, ctx: HubMessageContext): Promise<unknown> {
    const handlers = this.handlersFor(routingKey);
    if (handlers.length === 0) {
      // A binding left from an older version, or a copy routed here by hand: never ack it away.
      return new DeadLetterError(`no handler for ${routingKey} on ${this.options.queue}`);
    }
    try {
      for (const handler of handlers) {
        // What Nest's transformToObservable + lastValueFrom did, without rxjs for a handler's plain
        // promise: a handler behind interceptors resolves to an observable, which is run to its end.
        const returned: unknown = handler(event, ctx);
        const result: unknown = isObservable(returned) ? returned : await returned;
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      }
      return undefined;
    } catch (error) {
      return error ?? new Error('handler failed without an error');
    }
  }

  override addHandler(...args: Parameters<Server['addHandler']>): void {
    super.addHandler(...args);
    this.handlersOf.clear();
  }

  private handlersFor(routingKey: string): MessageHandler[] {
    let handlers = this.handlersOf.get(routingKey);
    if (!handlers) {
      handlers = [...this.messageHandlers].filter(([pattern]) => topicMatches(pattern, routingKey)).map(([, h]) => h);
      // The routing keys are the types bound to this queue, but a copy may carry any key: bounded.
      if (this.handlersOf.size >= 1_000) this.handlersOf.clear();
      this.handlersOf.set(routingKey, handlers);
    }
    return handlers;
  }
}

/** The hub attempt and the original routing key of a delivery (a retry copy carries both in headers). */
function metaOf(message: ConsumeMessage): { attempt: number; routingKey: string } {
  const headers = message.properties.headers ?? {};
  return {
    attempt: Number(headers[HubHeaders.attempt] ?? 1) || 1,
    routingKey: String(headers[HubHeaders.routingKey] ?? message.fields.routingKey),
  };
}

/** The key a delivery is ordered by: its partition key header, else the key of its envelope. */
function partitionKeyOfDelivery(message: ConsumeMessage): string {
  const header: unknown = message.properties.headers?.[PARTITION_KEY_HEADER];
  return typeof header === 'string' && header !== ''
    ? header
    : partitionKeyOfBody(message.content, message.properties.messageId);
}
