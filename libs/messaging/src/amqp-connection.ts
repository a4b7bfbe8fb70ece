import { Logger } from '@nestjs/common';
import amqp, { type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import { type ConnectionOptions } from './messaging.options.js';

/** Work to redo after every (re)connect: declare topology, open channels, start consuming. */
export type SetupStep = (model: ChannelModel) => Promise<void>;

/**
 * One AMQP connection that reconnects by itself (amqplib's opt-in recovery) and re-runs `setup`
 * each time, so topology and consumers come back after a broker restart or a closed connection.
 * It never buffers messages: while it is down, `ready` is false and users fail fast.
 */
export class AmqpConnection {
  private model?: RecoveringChannelModel;
  private isReady = false;
  private blockedReason?: string;
  private failedAttempts = 0;
  private readonly logger: Logger;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly setup: SetupStep,
  ) {
    this.logger = new Logger(`AmqpConnection:${options.connectionName}`);
  }

  /** True once connected and `setup` has completed, until the next disconnect. */
  get ready(): boolean {
    return this.isReady;
  }

  /** The broker's reason while it blocks publishing (memory or disk alarm), else undefined. */
  get blocked(): string | undefined {
    return this.blockedReason;
  }

  /** Starts connecting in the background; never throws for an unreachable broker. */
  async start(): Promise<void> {
    const model = await amqp.connect(withHeartbeat(this.options.url, this.options.heartbeatSeconds ?? 10), {
      clientProperties: { connection_name: this.options.connectionName },
      noDelay: true,
      recovery: {
        waitForConnect: false,
        initialDelay: 200,
        maxDelay: 5_000,
        maxRetries: Infinity,
        setup: async (connected: ChannelModel) => {
          try {
            await this.setup(connected);
          } catch (error) {
            this.logger.error(`Setting up after connect failed, will retry: ${describe(error)}`);
            throw error;
          }
          this.isReady = true;
          this.blockedReason = undefined;
          if (this.failedAttempts > 0) this.logger.log(`Connected again after ${this.failedAttempts} failed attempts`);
          this.failedAttempts = 0;
        },
      },
    });
    model.on('disconnect', (error: Error) => {
      this.isReady = false;
      this.logger.warn(`Disconnected from the broker: ${describe(error)}`);
    });
    model.on('connect-failed', (error: Error) => {
      this.isReady = false;
      this.failedAttempts++;
      if (this.failedAttempts === 1 || this.failedAttempts % 20 === 0) {
        this.logger.warn(`Cannot reach the broker (attempt ${this.failedAttempts}): ${describe(error)}`);
      }
    });
    model.on('blocked', (reason: string) => {
      this.blockedReason = reason || 'blocked';
      this.logger.warn(`The broker blocked publishing: ${this.blockedReason}`);
    });
    model.on('unblocked', () => {
      this.blockedReason = undefined;
      this.logger.log('The broker unblocked publishing');
    });
    model.on('error', (error: Error) => this.logger.warn(`Connection error: ${describe(error)}`));
    model.on('handler-error', (error: Error) => this.logger.error(`Listener failed: ${describe(error)}`));
    this.model = model;
  }

  /** Resolves when ready, or rejects after `timeoutMs`. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isReady) {
      if (Date.now() > deadline) throw new Error(`not connected to the broker within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async close(): Promise<void> {
    this.isReady = false;
    const model = this.model;
    this.model = undefined;
    await model?.close().catch(() => undefined);
  }
}

function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
