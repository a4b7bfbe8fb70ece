import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { waitFor } from './wait-for.js';

/** A plain amqplib connection for tests to look into queues the way an operator would. */
export class QueueReader {
  private readonly taken = new Map<string, GetMessage[]>();

  private constructor(
    private readonly connection: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(url: string): Promise<QueueReader> {
    const connection = await amqp.connect(url);
    const channel = await connection.createChannel();
    return new QueueReader(connection, channel);
  }

  /** Takes (and acks) up to `max` messages waiting in `queue`. */
  async drain(queue: string, max = 1_000): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    while (messages.length < max) {
      const message = await this.channel.get(queue, { noAck: true });
      if (!message) break;
      messages.push(message);
    }
    return messages;
  }

  /**
   * Waits until the message of event `id` is parked in `<queue>.dlq` and returns it (its reason is
   * the `x-hub-dead-letter-reason` header). Other parked messages stay available to later calls.
   */
  async parked(queue: string, id: string, timeoutMs = 10_000): Promise<GetMessage> {
    const dlq = `${queue}.dlq`;
    const taken = this.taken.get(dlq) ?? [];
    this.taken.set(dlq, taken);
    return waitFor(
      `event ${id} parked in ${dlq}`,
      async () => {
        taken.push(...(await this.drain(dlq)));
        return taken.find((message) => message.properties.messageId === id);
      },
      { timeoutMs },
    );
  }

  async depth(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /**
   * Messages waiting for a service: the sum over its partitions `<queue>.p0` … when it is
   * partitioned (single-active-consumer queues: read their depth, never `basic.get` them while the
   * service consumes), else the depth of its plain queue.
   */
  async serviceDepth(queue: string): Promise<number> {
    let total = 0;
    for (let index = 0; ; index++) {
      const depth = await this.depthIfExists(`${queue}.p${index}`);
      if (depth === undefined) return index === 0 ? this.depth(queue) : total;
      total += depth;
    }
  }

  /** A queue's depth, or undefined when it does not exist (checked on a channel of its own: a miss closes it). */
  private async depthIfExists(queue: string): Promise<number | undefined> {
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    try {
      const { messageCount } = await channel.checkQueue(queue);
      await channel.close().catch(() => undefined);
      return messageCount;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
