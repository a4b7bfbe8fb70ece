import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';

/** A plain amqplib connection for tests to look into queues the way an operator would. */
export class QueueReader {
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

  async depth(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
