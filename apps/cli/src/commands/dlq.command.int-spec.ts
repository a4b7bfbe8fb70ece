import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { PARTITION_KEY_HEADER } from '@hub/contracts';
import { declareConsumerQueue, declareExchange, HubHeaders, partitionQueues, topologyNames } from '@hub/messaging';
import { amqpUrl, createVhost, deleteVhost, QueueReader, rabbitmqctl, uniqueName, waitFor } from '@hub/testing';
import { main } from '../cli.js';
import { type CommandIo } from '../command.js';

const QUEUE = 'notifier';
const DLQ = topologyNames.deadLetterQueue(QUEUE);
const EXCHANGE = 'hub.events';
const SPEC = {
  exchange: EXCHANGE,
  queue: QUEUE,
  bindings: ['alert.#'],
  retryDelaysMs: [1_000],
  deliveryLimit: 5,
  singleActiveConsumer: false,
};
const FULL_POLICY = JSON.stringify({ 'max-length': 0, overflow: 'reject-publish' });

function capture(env: NodeJS.ProcessEnv): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env, cwd: process.cwd() };
}

describe('hub dlq', () => {
  let vhost: string;
  let env: NodeJS.ProcessEnv;
  let connection: ChannelModel;
  let channel: ConfirmChannel;
  let reader: QueueReader;

  /** Parks a message in notifier.dlq the way the transport does after the last retry. */
  function park(id: string, type: string, reason: string, parkedAt: Date): void {
    const event = { specversion: '1.0', id, type, source: 'test/alerts', time: parkedAt.toISOString(), data: {} };
    channel.sendToQueue(DLQ, Buffer.from(JSON.stringify(event)), {
      persistent: true,
      messageId: id,
      contentType: 'application/cloudevents+json',
      headers: {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        [HubHeaders.attempt]: 4,
        [HubHeaders.routingKey]: type,
        [HubHeaders.lastError]: reason,
        [HubHeaders.deadLetterReason]: reason,
        [HubHeaders.deadLetterQueue]: QUEUE,
        [HubHeaders.deadLetteredAt]: parkedAt.toISOString(),
      },
    });
  }

  /** Unacked messages return to the DLQ when the command's channel closes: wait for that count. */
  async function dlqHolds(count: number): Promise<void> {
    await waitFor(`${count} messages in ${DLQ}`, async () => (await reader.depth(DLQ)) === count);
  }

  beforeAll(async () => {
    vhost = await createVhost(uniqueName('cli-dlq'));
    env = { AMQP_URL: amqpUrl(vhost), HUB_EXCHANGE: EXCHANGE };
    connection = await amqp.connect(amqpUrl(vhost));
    channel = await connection.createConfirmChannel();
    await declareExchange(channel, EXCHANGE);
    await declareConsumerQueue(channel, SPEC);
    reader = await QueueReader.open(amqpUrl(vhost));
  });

  beforeEach(async () => {
    await channel.purgeQueue(DLQ);
    await channel.purgeQueue(QUEUE);
    const old = new Date(Date.now() - 3 * 3_600_000);
    park('e1', 'alert.firing', 'slack: 401 invalid_auth', old);
    park('e2', 'alert.resolved', 'slack: 401 invalid_auth', old);
    park('e3', 'alert.firing', 'teams: 503', new Date());
    park('e4', 'alert.resolved', 'teams: 503', new Date());
    await channel.waitForConfirms();
  });

  afterAll(async () => {
    await reader?.close();
    await connection?.close().catch(() => undefined);
    await deleteVhost(vhost);
  });

  it('lists the depth per service and, for one service, every parked message with its reason', async () => {
    const depths = capture(env);
    expect(await main(['dlq', 'list'], depths)).toBe(0);
    expect(depths.stdout.join('\n')).toMatch(/notifier\.dlq\s+4/);
    expect(depths.stdout.join('\n')).toMatch(/sensor\.dlq\s+not declared/);

    const io = capture(env);
    expect(await main(['dlq', 'list', 'notifier'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('notifier.dlq: 4 parked');
    expect(text).toMatch(/#1 {2}alert\.firing {2}e1 {2}test\/alerts {2}\S+ \(3h ago\) {2}slack: 401 invalid_auth/);
    expect(text).toMatch(/#4 {2}alert\.resolved {2}e4 .* teams: 503/);
    // Looking changed nothing, and the order is kept.
    const again = capture(env);
    await main(['dlq', 'list', 'notifier', '--limit', '2'], again);
    expect(again.stdout[0]).toBe('notifier.dlq: 4 parked, showing the first 2');
    expect(again.stdout.slice(1).map((l) => l.split('  ')[2])).toEqual(['e1', 'e2']);
  });

  it('shows one message with its reason headers marked and its body as JSON', async () => {
    const io = capture(env);
    expect(await main(['dlq', 'show', 'notifier', 'e3'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('* x-hub-dead-letter-reason: teams: 503');
    expect(text).toContain('  traceparent: 00-');
    expect(text).toContain('  "id": "e3",');
    await dlqHolds(4);
    const missing = capture(env);
    expect(await main(['dlq', 'show', 'notifier', 'nope'], missing)).toBe(1);
    expect(missing.stderr.join('')).toContain('no message with event id nope in notifier.dlq');
  });

  it('replays exactly the matching messages to the service queue with a fresh attempt count', async () => {
    const io = capture(env);
    expect(await main(['dlq', 'replay', 'notifier', '--type', 'alert.firing'], io)).toBe(0);
    expect(io.stdout.at(-1)).toBe('replayed 2 to notifier, left 2');
    const replayed = await reader.drain(QUEUE);
    expect(replayed.map((m) => String(m.properties.messageId))).toEqual(['e1', 'e3']);
    for (const message of replayed) {
      const headers = message.properties.headers ?? {};
      expect(headers[HubHeaders.attempt]).toBeUndefined();
      expect(headers[HubHeaders.deadLetterReason]).toBeUndefined();
      expect(headers[HubHeaders.lastError]).toBeUndefined();
      expect(headers['x-death']).toBeUndefined();
      expect(headers[HubHeaders.routingKey]).toBe('alert.firing');
      expect(headers.traceparent).toMatch(/^00-/);
    }
    await dlqHolds(2);
    const left = await reader.drain(DLQ);
    expect(left.map((m) => String(m.properties.messageId))).toEqual(['e2', 'e4']);
    expect(left[0]?.properties.headers?.[HubHeaders.deadLetterReason]).toBe('slack: 401 invalid_auth');
  });

  it('replays by reason and age; a dry run moves nothing', async () => {
    const dry = capture(env);
    expect(await main(['dlq', 'replay', 'notifier', '--older-than', '1h', '--dry-run'], dry)).toBe(0);
    expect(dry.stdout.filter((l) => l.startsWith('would replay')).length).toBe(2);
    expect(dry.stdout.at(-1)).toBe('dry run: would replay 2 to notifier, left 2');
    expect(await reader.depth(QUEUE)).toBe(0);
    await dlqHolds(4);

    const io = capture(env);
    expect(await main(['dlq', 'replay', 'notifier', '--reason', 'teams', '--id', 'e4'], io)).toBe(0);
    expect((await reader.drain(QUEUE)).map((m) => String(m.properties.messageId))).toEqual(['e4']);
    await dlqHolds(3);
  });

  it('acks only what the broker confirmed when a republish fails mid-way: nothing lost, nothing doubled', async () => {
    // The service queue takes one more message, then refuses (nack) the next publish: a quorum
    // queue rejects once it is over its max-length, so 0 lets exactly one in.
    await rabbitmqctl('set_policy', '-p', vhost, '--apply-to', 'queues', 'full', `^${QUEUE}$`, FULL_POLICY);
    try {
      await waitFor('the policy on the queue', async () =>
        (await rabbitmqctl('list_queues', '-p', vhost, 'name', 'policy')).match(/^notifier\s+full$/m),
      );
      const io = capture(env);
      expect(await main(['dlq', 'replay', 'notifier', '--type', 'alert.firing'], io)).toBe(1);
      expect(io.stderr.join('')).toContain('the broker did not confirm e3');
      expect(io.stdout.at(-1)).toBe('replayed 1 to notifier, left 3');
      expect((await reader.drain(QUEUE)).map((m) => String(m.properties.messageId))).toEqual(['e1']);
      await dlqHolds(3);
      const left = await reader.drain(DLQ);
      expect(left.map((m) => String(m.properties.messageId)).sort()).toEqual(['e2', 'e3', 'e4']);
    } finally {
      await rabbitmqctl('clear_policy', '-p', vhost, 'full');
    }
  });

  it('refuses to replay into a service queue that does not exist, instead of losing the messages', async () => {
    await channel.deleteQueue(QUEUE);
    try {
      const io = capture(env);
      expect(await main(['dlq', 'replay', 'notifier'], io)).toBe(1);
      expect(io.stderr.join('')).toContain('cannot replay: the queue notifier does not exist');
      await dlqHolds(4);
    } finally {
      await declareConsumerQueue(channel, SPEC);
    }
  });

  it('purges nothing without --yes, and the matching messages with it', async () => {
    const ask = capture(env);
    expect(await main(['dlq', 'purge', 'notifier', '--type', 'alert.resolved'], ask)).toBe(0);
    expect(ask.stdout.at(-1)).toBe(
      'would delete 2 from notifier.dlq; nothing deleted: re-run with --yes to delete them',
    );
    await dlqHolds(4);

    const io = capture(env);
    expect(await main(['dlq', 'purge', 'notifier', '--type', 'alert.resolved', '--yes'], io)).toBe(0);
    expect(io.stdout.at(-1)).toBe('deleted 2 from notifier.dlq, left 2');
    await dlqHolds(2);
    expect((await reader.drain(DLQ)).map((m) => String(m.properties.messageId))).toEqual(['e1', 'e3']);
    expect(await reader.depth(QUEUE)).toBe(0);
  });

  it('replays into the partitions of a partitioned service, with the partition key, so in its key’s order', async () => {
    const service = 'ticketing';
    await declareConsumerQueue(channel, { ...SPEC, queue: service, bindings: ['ticket.requested'], partitions: 2 });
    const event = {
      specversion: '1.0',
      id: 'p1',
      type: 'ticket.requested',
      source: 'test/sensor',
      incidentkey: 'fp-77',
      data: {},
    };
    channel.sendToQueue(topologyNames.deadLetterQueue(service), Buffer.from(JSON.stringify(event)), {
      persistent: true,
      messageId: 'p1',
      headers: { [HubHeaders.routingKey]: 'ticket.requested', [HubHeaders.deadLetterReason]: 'jira: 503' },
    });
    await channel.waitForConfirms();
    const io = capture(env);
    expect(await main(['dlq', 'replay', service], io)).toBe(0);
    expect(io.stdout.at(-1)).toBe('replayed 1 to ticketing, left 0');
    await waitFor('the replayed event in a partition', async () => (await reader.serviceDepth(service)) === 1);
    // Single-active-consumer partitions: read them by consuming, as the service would.
    const replayed: ConsumeMessage[] = [];
    for (const partition of partitionQueues(service, 2)) {
      await reader.channel.consume(partition, (message) => void (message && replayed.push(message)), { noAck: true });
    }
    await waitFor('the replayed event', () => replayed.length === 1);
    expect(replayed[0]!.properties.headers?.[PARTITION_KEY_HEADER]).toBe('fp-77');
    expect(replayed[0]!.properties.headers?.[HubHeaders.deadLetterReason]).toBeUndefined();
  });

  it('names the services for an unknown one (exit 2) and fails clearly when the broker is down (exit 1)', async () => {
    const unknown = capture(env);
    expect(await main(['dlq', 'list', 'nope'], unknown)).toBe(2);
    expect(unknown.stderr.join('')).toContain(
      'unknown service "nope"; the services are: sensor, notifier, remediation-executor, ticketing, siem-forwarder',
    );
    const down = capture({ AMQP_URL: 'amqp://guest:secret@127.0.0.1:1/x' });
    expect(await main(['dlq', 'list'], down)).toBe(1);
    expect(down.stderr.join('')).toContain('hub dlq list: cannot reach the broker at amqp://guest:***@127.0.0.1:1/x');
  });
});
