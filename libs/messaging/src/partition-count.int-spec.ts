import amqp, { type ChannelModel } from 'amqplib';
import { amqpUrl, uniqueName } from '@hub/testing';
import { assertPartitionCount, PartitionCountError, topologyNames } from './topology.js';

describe(assertPartitionCount.name, () => {
  let model: ChannelModel;

  beforeAll(async () => {
    model = await amqp.connect(amqpUrl());
  });

  afterAll(async () => {
    await model?.close();
  });

  async function declare(queue: string, indexes: number[]): Promise<void> {
    const channel = await model.createChannel();
    for (const index of indexes)
      await channel.assertQueue(topologyNames.partitionQueue(queue, index), { autoDelete: true });
    await channel.close();
  }

  it('refuses a broker whose partitions stop short of its count: another service runs with fewer', async () => {
    const queue = uniqueName('fewer');
    await declare(queue, [0, 1]);
    await expect(assertPartitionCount(model, queue, 4)).rejects.toBeInstanceOf(PartitionCountError);
  });

  it('refuses a partition beyond its count: another service runs with more', async () => {
    const queue = uniqueName('more');
    await declare(queue, [0, 1, 2, 3, 4]);
    await expect(assertPartitionCount(model, queue, 4)).rejects.toThrow(/has .*\.p4: another service runs with more/);
  });

  it('waits for a replica that is declaring the partitions at that moment instead of failing its start', async () => {
    const queue = uniqueName('racing');
    await declare(queue, [0, 1]);
    const check = assertPartitionCount(model, queue, 4);
    setTimeout(() => void declare(queue, [2, 3]), 150);
    await expect(check).resolves.toBeUndefined();
  });
});
