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

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
