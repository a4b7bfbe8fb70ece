import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  type HubEvent,
  CLOUDEVENTS_JSON,
  findEventDefinition,
  PARTITION_KEY_HEADER,
  partitionKeyOf,
} from '@hub/contracts';
import { MessagingMetrics } from '@hub/telemetry';
import { AmqpConnection } from './amqp-connection.js';
import { ConfirmTracker } from './confirm-tracker.js';
import { BrokerBlockedError, BrokerUnavailableError } from './messaging.errors.js';
import { DEFAULT_EXCHANGE, type PublisherOptions } from './messaging.options.js';
import { checkPartitionCounts } from './partition-check.js';
import { publisherQueueSpec } from './service-queues.js';
import { assertPartitionCount, declareConsumerQueue, declareExchange, DEFAULT_PARTITIONS } from './topology.js';
import { startPublishSpan, traceHeaders } from './trace-context.js';

export interface PublishOptions {
  /** Defaults to the event type (the bus contract: routing key = event type). */
  routingKey?: string;
  /** Extra AMQP headers. */
  headers?: Record<string, string | number | boolean>;
}

/**
 * Publishes hub events to `hub.events` with a broker confirm each: the promise resolves only once
 * the broker has taken responsibility for the message. Never buffers: when the broker is
 * unreachable, blocked, or too many confirms are pending, it rejects at once with a typed error
 * (the gateway turns that into 503 + Retry-After).
 */
@Injectable()
export class HubPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly exchange: string;
  private readonly connection: AmqpConnection;
  private tracker?: ConfirmTracker;
  private readonly metrics = new MessagingMetrics();

  private readonly partitions: number;

  constructor(private readonly options: PublisherOptions) {
    this.exchange = options.exchange ?? DEFAULT_EXCHANGE;
    this.partitions = options.partitions ?? DEFAULT_PARTITIONS;
    this.connection = new AmqpConnection(options, async (model) => {
      for (const queue of this.partitionedFeeds()) await assertPartitionCount(model, queue, this.partitions);
      const channel = await model.createConfirmChannel();
      channel.on('error', () => undefined);
      await declareExchange(channel, this.exchange);
      for (const queue of options.feeds ?? []) {
        await declareConsumerQueue(channel, publisherQueueSpec(this.exchange, queue, this.partitions));
      }
      this.tracker = new ConfirmTracker(channel, options.maxUnconfirmed ?? 1_000, options.confirmTimeoutMs ?? 10_000);
    });
  }

  /** Connected, topology declared, not blocked. */
  get ready(): boolean {
    return this.connection.ready && this.connection.blocked === undefined;
  }

  /** Why the publisher cannot take events now, or undefined when it can. */
  get unavailableReason(): string | undefined {
    if (!this.connection.ready) return 'not connected to the broker';
    if (this.connection.blocked) return `the broker blocks publishing: ${this.connection.blocked}`;
    return undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Fails when another service runs with a different `HUB_PARTITIONS`; else connects in the background. */
  async start(): Promise<void> {
    await checkPartitionCounts(this.options.url, this.partitionedFeeds(), this.partitions);
    await this.connection.start();
  }

  private partitionedFeeds(): string[] {
    return (this.options.feeds ?? []).filter((feed) => feed.partitioned).map((feed) => feed.queue);
  }

  waitUntilReady(timeoutMs = 10_000): Promise<void> {
    return this.connection.waitUntilReady(timeoutMs);
  }

  async publish(event: HubEvent, options: PublishOptions = {}): Promise<void> {
    const routingKey = options.routingKey ?? event.type;
    const typeLabel = findEventDefinition(event.type)?.type ?? 'unknown';
    const span = startPublishSpan(this.exchange, routingKey, event.id);
    try {
      const tracker = this.usableTracker();
      const trace = traceHeaders(span);
      // The partitioned consumers' consistent-hash exchanges route by this header (per-key order).
      const headers = { [PARTITION_KEY_HEADER]: partitionKeyOf(event), ...options.headers, ...trace };
      const body: HubEvent = event.traceparent ? event : { ...event, traceparent: trace.traceparent };
      await tracker.publish(this.exchange, routingKey, Buffer.from(JSON.stringify(body)), {
        persistent: true,
        mandatory: true,
        messageId: event.id,
        type: event.type,
        contentType: CLOUDEVENTS_JSON,
        timestamp: Math.floor(Date.parse(event.time) / 1000) || undefined,
        appId: this.options.connectionName,
        headers,
      });
      this.metrics.published.inc({ exchange: this.exchange, type: typeLabel, outcome: 'confirmed' });
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'UNKNOWN';
      this.metrics.published.inc({ exchange: this.exchange, type: typeLabel, outcome: code.toLowerCase() });
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  }

  async close(): Promise<void> {
    this.tracker = undefined;
    await this.connection.close();
  }

  private usableTracker(): ConfirmTracker {
    if (!this.connection.ready || !this.tracker) {
      throw new BrokerUnavailableError('not connected to the broker', { exchange: this.exchange });
    }
    if (this.connection.blocked) {
      throw new BrokerBlockedError(`the broker blocks publishing: ${this.connection.blocked}`);
    }
    return this.tracker;
  }
}
