import amqp from 'amqplib';
import { assertPartitionCount } from './topology.js';

/**
 * The start-up form of {@link assertPartitionCount}: one short connection that checks every
 * partitioned queue this service declares, so a `HUB_PARTITIONS` that differs from the other
 * services' fails the start with the reason. An unreachable broker is no start-up error (the
 * service connects in the background, and its setup runs the same check on every connect).
 */
export async function checkPartitionCounts(url: string, queues: readonly string[], partitions: number): Promise<void> {
  if (queues.length === 0) return;
  let model: amqp.ChannelModel;
  try {
    model = await amqp.connect(url, { clientProperties: { connection_name: 'hub partition check' } });
  } catch {
    return;
  }
  model.on('error', () => undefined);
  try {
    for (const queue of queues) await assertPartitionCount(model, queue, partitions);
  } finally {
    await model.close().catch(() => undefined);
  }
}
