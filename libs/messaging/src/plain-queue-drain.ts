import { type ChannelModel } from 'amqplib';
import { PARTITION_KEY_HEADER, partitionKeyOf } from '@hub/contracts';
import { copyProperties, HubHeaders } from './delivery-settler.js';
import { topologyNames } from './topology.js';

/**
 * The upgrade path to partitioned consumption: when the service's plain queue `<queue>` still
 * exists (from a version before partitions), unbind it from the topic exchange — so new events
 * reach only the partitions — and move what it holds, in order, into `<queue>.partitions` with the
 * partition key header (each message confirmed there before it is acked here). Returns how many
 * messages moved. Does nothing (one passive check) when the plain queue does not exist.
 */
export async function drainPlainQueue(
  model: ChannelModel,
  spec: { exchange: string; queue: string; bindings: readonly string[] },
): Promise<number> {
  const check = await model.createChannel();
  check.on('error', () => undefined);
  try {
    await check.checkQueue(spec.queue);
    await check.close().catch(() => undefined);
  } catch {
    return 0; // no plain queue: nothing to move
  }
  const channel = await model.createConfirmChannel();
  channel.on('error', () => undefined);
  try {
    for (const pattern of spec.bindings) await channel.unbindQueue(spec.queue, spec.exchange, pattern);
    const target = topologyNames.partitionExchange(spec.queue);
    let moved = 0;
    for (;;) {
      const message = await channel.get(spec.queue, { noAck: false });
      if (!message) return moved;
      const headers: Record<string, unknown> = message.properties.headers ?? {};
      const key = headers[PARTITION_KEY_HEADER];
      const original = headers[HubHeaders.routingKey];
      const routingKey = typeof original === 'string' ? original : message.fields.routingKey;
      await new Promise<void>((resolve, reject) => {
        channel.publish(
          target,
          routingKey,
          message.content,
          {
            ...copyProperties(message),
            headers: {
              ...headers,
              [HubHeaders.routingKey]: routingKey,
              [PARTITION_KEY_HEADER]:
                typeof key === 'string' ? key : partitionKeyOfBody(message.content, message.properties.messageId),
            },
          },
          (error: unknown) => (error ? reject(new Error(`moving a message into ${target} was refused`)) : resolve()),
        );
      });
      channel.ack(message);
      moved++;
    }
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** The partition key of a message body that carries no header (an old message, a hand-made copy). */
export function partitionKeyOfBody(content: Buffer, messageId: unknown): string {
  try {
    const event = JSON.parse(content.toString('utf8')) as Record<string, unknown>;
    if (typeof event.id === 'string') {
      return partitionKeyOf({
        id: event.id,
        incidentkey: typeof event.incidentkey === 'string' ? event.incidentkey : undefined,
        correlationid: typeof event.correlationid === 'string' ? event.correlationid : undefined,
        subject: typeof event.subject === 'string' ? event.subject : undefined,
      });
    }
  } catch {
    // Not JSON: the consumer parks it; any key will do.
  }
  return typeof messageId === 'string' && messageId !== '' ? messageId : 'unkeyed';
}
