import { type ConfirmChannel, type ConsumeMessage, type Options } from 'amqplib';
import {
  BrokerUnavailableError,
  PublishNackedError,
  PublishOverloadError,
  PublishTimeoutError,
  UnroutableError,
} from './messaging.errors.js';

/**
 * Publishes on one confirm channel and turns each broker confirm into a settled promise: resolved
 * on ack, rejected on nack, on return (mandatory and unroutable), on timeout, or when the channel
 * closes first. Bounds the publishes that await a confirm.
 */
export class ConfirmTracker {
  private inFlightCount = 0;
  private readonly returned = new Set<string>();
  private readonly failOnClose = new Set<(error: Error) => void>();

  constructor(
    private readonly channel: ConfirmChannel,
    private readonly maxUnconfirmed: number,
    private readonly confirmTimeoutMs: number,
  ) {
    channel.on('return', (message: ConsumeMessage) => this.returned.add(returnKey(message)));
    channel.on('close', () => {
      const error = new BrokerUnavailableError('the channel closed before the broker confirmed the publish');
      for (const fail of [...this.failOnClose]) fail(error);
    });
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    if (this.inFlightCount >= this.maxUnconfirmed) {
      return Promise.reject(
        new PublishOverloadError(`${this.inFlightCount} publishes already await a confirm`, {
          maxUnconfirmed: this.maxUnconfirmed,
        }),
      );
    }
    const key = `${exchange}\0${routingKey}\0${options.messageId ?? ''}`;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        this.inFlightCount--;
        clearTimeout(timer);
        this.failOnClose.delete(settle);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () =>
          settle(new PublishTimeoutError(`no confirm within ${this.confirmTimeoutMs} ms`, { exchange, routingKey })),
        this.confirmTimeoutMs,
      );
      this.inFlightCount++;
      this.failOnClose.add(settle);
      try {
        this.channel.publish(exchange, routingKey, content, options, (error: unknown) => {
          if (error) {
            settle(new PublishNackedError('the broker refused the message', { exchange, routingKey, cause: error }));
          } else if (this.returned.delete(key)) {
            settle(new UnroutableError('no queue took the message', { exchange, routingKey }));
          } else {
            settle();
          }
        });
      } catch (error) {
        settle(new BrokerUnavailableError('the channel cannot publish', { exchange, routingKey }, { cause: error }));
      }
    });
  }
}

function returnKey(message: ConsumeMessage): string {
  return `${message.fields.exchange}\0${message.fields.routingKey}\0${String(message.properties.messageId ?? '')}`;
}
