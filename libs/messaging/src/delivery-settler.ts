import { type Logger } from '@nestjs/common';
import { type Channel, type ConsumeMessage, type Message, type Options } from 'amqplib';
import { type MessagingMetrics } from '@hub/telemetry';
import { type AckDecision } from './ack-policy.js';
import { describe } from './amqp-connection.js';
import { type ConfirmTracker } from './confirm-tracker.js';
import { topologyNames } from './topology.js';

/** Headers the transport adds to the copies it sends to retry tiers and the parking queue. */
export const HubHeaders = {
  attempt: 'x-hub-attempt',
  routingKey: 'x-hub-routing-key',
  lastError: 'x-hub-last-error',
  deadLetterReason: 'x-hub-dead-letter-reason',
  deadLetterQueue: 'x-hub-dead-letter-queue',
  deadLetteredAt: 'x-hub-dead-lettered-at',
} as const;

/** One consumer channel and the confirms of what is published on it. */
export interface Generation {
  channel: Channel;
  confirms: ConfirmTracker;
}

/**
 * How a delivery ends: the ack policy's decisions, plus `requeue` — on shutdown, back to the
 * service queue itself with the same attempt, so a rolling deploy spends no attempt (neither the
 * hub's `x-hub-attempt` nor the quorum queue's delivery count: the copy is a new message).
 */
export type Settlement = AckDecision | { readonly action: 'requeue'; readonly reason: string };

/**
 * Settles deliveries: success → ack; otherwise a copy to the retry tier, the parking queue or the
 * service queue, confirmed by the broker, then ack. If the copy cannot be confirmed the original is
 * nacked back to the queue (the broker redelivers it), never acked into nothing.
 */
export class DeliverySettler {
  constructor(
    private readonly queue: string,
    private readonly metrics: MessagingMetrics,
    private readonly logger: Logger,
    /** The retry tier of a delay: `<queue>.retry.<ms>ms`, or a partitioned service's own tiers. */
    private readonly retryQueueOf: (delayMs: number) => string = (delayMs) => topologyNames.retryQueue(queue, delayMs),
  ) {}

  async settle(
    generation: Generation,
    message: ConsumeMessage,
    decision: Settlement,
    meta: { attempt: number; routingKey: string },
  ): Promise<void> {
    const { channel, confirms } = generation;
    const copy = (to: string, headers: Record<string, unknown>) =>
      // mandatory: a queue that does not exist (deleted by hand) returns the copy, the publish
      // fails, and the original is requeued below instead of being acked into nothing.
      confirms.publish('', to, message.content, {
        ...copyProperties(message),
        mandatory: true,
        headers: { ...message.properties.headers, [HubHeaders.routingKey]: meta.routingKey, ...headers },
      });
    try {
      switch (decision.action) {
        case 'ack':
          break;
        case 'retry':
          await copy(this.retryQueueOf(decision.delayMs), {
            [HubHeaders.attempt]: meta.attempt + 1,
            [HubHeaders.lastError]: decision.reason.slice(0, 1_000),
          });
          break;
        case 'hold':
          await copy(this.retryQueueOf(decision.delayMs), {
            [HubHeaders.attempt]: meta.attempt,
            [HubHeaders.lastError]: decision.reason.slice(0, 1_000),
          });
          break;
        case 'requeue':
          await copy(this.queue, { [HubHeaders.attempt]: meta.attempt });
          break;
        case 'dead-letter':
          await copy(topologyNames.deadLetterQueue(this.queue), {
            [HubHeaders.attempt]: meta.attempt,
            [HubHeaders.deadLetterReason]: decision.reason.slice(0, 1_000),
            [HubHeaders.deadLetterQueue]: this.queue,
            [HubHeaders.deadLetteredAt]: new Date().toISOString(),
          });
          this.metrics.deadLettered.inc({ queue: this.queue, reason: 'handler' });
          break;
        default:
          decision satisfies never;
      }
      channel.ack(message);
    } catch (error) {
      this.logger.warn(
        `Could not settle ${String(message.properties.messageId)} (${decision.action}): ${describe(error)}; ` +
          'the broker will deliver it again',
      );
      try {
        channel.nack(message, false, true);
      } catch {
        // The channel is gone: the broker requeues every unacked delivery of it by itself.
      }
    }
  }
}

/** The publish options that carry a consumed message on unchanged (retry tiers, parking, DLQ replay). */
export function copyProperties(message: Message): Options.Publish {
  const p = message.properties;
  return {
    persistent: true,
    contentType: p.contentType as string | undefined,
    contentEncoding: p.contentEncoding as string | undefined,
    messageId: p.messageId as string | undefined,
    correlationId: p.correlationId as string | undefined,
    type: p.type as string | undefined,
    appId: p.appId as string | undefined,
    timestamp: p.timestamp as number | undefined,
  };
}
