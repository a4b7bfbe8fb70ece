import amqp, { type Channel, type ChannelModel, type ConsumeMessage, type Options } from 'amqplib';
import { PARTITION_KEY_HEADER } from '@hub/contracts';
import { copyProperties, HubHeaders, partitionKeyOfBody, topologyNames } from '@hub/messaging';

/** What `hub dlq` shows of one parked message. */
export interface ParkedMessage {
  readonly index: number;
  readonly type: string;
  readonly eventId: string;
  readonly source: string;
  readonly reason: string;
  readonly parkedAt: Date | undefined;
  readonly headers: Record<string, unknown>;
  readonly body: string;
}

/** Selects parked messages; every given criterion must match. */
export interface ParkedFilter {
  readonly type?: string;
  readonly reason?: string;
  readonly olderThanMs?: number;
  readonly id?: string;
}

/** Headers of the attempt and the parking: a replayed copy starts over without them. */
const ATTEMPT_HEADERS = new Set<string>([
  HubHeaders.attempt,
  HubHeaders.lastError,
  HubHeaders.deadLetterReason,
  HubHeaders.deadLetterQueue,
  HubHeaders.deadLetteredAt,
  'x-death',
  'x-delivery-count',
]);
const BROKER_DEATH_HEADER = /^x-(first|last)-death-/;

/** A connection to the bus for one `hub dlq` run; `close` returns every message not acked. */
export class DlqBroker {
  private constructor(private readonly connection: ChannelModel) {}

  static async open(url: string): Promise<DlqBroker> {
    try {
      return new DlqBroker(await amqp.connect(url, { clientProperties: { connection_name: 'hub dlq' } }));
    } catch (error) {
      throw new Error(`cannot reach the broker at ${redact(url)}: ${describe(error)}`, { cause: error });
    }
  }

  /** Messages waiting in `<queue>.dlq` (passive: declares nothing). */
  async depth(queue: string): Promise<number> {
    const channel = await this.channel();
    try {
      return (await channel.checkQueue(topologyNames.deadLetterQueue(queue))).messageCount;
    } finally {
      await closeChannel(channel);
    }
  }

  /**
   * Takes up to `limit` messages of `<queue>.dlq` without acking them, hands them to `visit`, and
   * closes the channel: what `visit` did not ack returns to the queue untouched and in order (a
   * get-and-requeue loop would reorder a quorum queue). `visit` acks with the function it gets.
   */
  async sweep(
    queue: string,
    limit: number,
    visit: (parked: ParkedMessage, message: ConsumeMessage, ack: () => void) => void | Promise<void>,
  ): Promise<{ depth: number; taken: number }> {
    const dlq = topologyNames.deadLetterQueue(queue);
    const channel = await this.channel();
    try {
      const { messageCount } = await channel.checkQueue(dlq);
      const messages = await collect(channel, dlq, Math.min(limit, messageCount));
      for (const [index, message] of messages.entries()) {
        await visit(describeParked(index + 1, message), message, () => channel.ack(message));
      }
      return { depth: messageCount, taken: messages.length };
    } finally {
      await closeChannel(channel);
    }
  }

  /**
   * A confirm channel that republishes into the service's partitions (`<queue>.partitions`, with the
   * partition key header, so a replayed event is ordered with the rest of its key) when the service
   * is partitioned, else to `queue` through the default exchange, as the retry tiers do.
   */
  async republisher(queue: string): Promise<(message: ConsumeMessage, parked: ParkedMessage) => Promise<void>> {
    const partitions = topologyNames.partitionExchange(queue);
    const partitioned = await this.exists((channel) => channel.checkExchange(partitions));
    // The default exchange drops (and confirms) a message for a queue that does not exist: check first.
    if (!partitioned) {
      const check = await this.channel();
      try {
        await check.checkQueue(queue);
      } catch (error) {
        throw new Error(`cannot replay: the queue ${queue} does not exist (${describe(error)})`, { cause: error });
      } finally {
        await closeChannel(check);
      }
    }
    const channel = await this.connection.createConfirmChannel();
    channel.on('error', () => undefined); // a failed publish is reported through its confirm
    return (message, parked) =>
      new Promise<void>((resolve, reject) => {
        const confirmed = (error: unknown) =>
          error ? reject(new Error(`the broker did not confirm ${parked.eventId}: ${describe(error)}`)) : resolve();
        const properties = replayProperties(message, parked);
        if (partitioned) {
          const headers = (properties.headers ?? {}) as Record<string, unknown>;
          const key = headers[PARTITION_KEY_HEADER];
          properties.headers = {
            ...headers,
            [PARTITION_KEY_HEADER]: typeof key === 'string' ? key : partitionKeyOfBody(message.content, parked.eventId),
          };
          channel.publish(partitions, parked.type, message.content, properties, confirmed);
        } else {
          channel.publish('', queue, message.content, properties, confirmed);
        }
      });
  }

  private async exists(check: (channel: Channel) => Promise<unknown>): Promise<boolean> {
    const channel = await this.channel();
    try {
      await check(channel);
      return true;
    } catch {
      return false;
    } finally {
      await closeChannel(channel);
    }
  }

  /** A channel the broker may close (a missing queue): the failed call reports it, not an 'error' event. */
  private async channel(): Promise<Channel> {
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    channel.on('close', () => closed.add(channel));
    return channel;
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

const closed = new WeakSet<Channel>();

async function closeChannel(channel: Channel): Promise<void> {
  if (!closed.has(channel)) await channel.close().catch(() => undefined);
}

export function matches(parked: ParkedMessage, filter: ParkedFilter, now: Date): boolean {
  if (filter.type !== undefined && parked.type !== filter.type) return false;
  if (filter.id !== undefined && parked.eventId !== filter.id) return false;
  if (filter.reason !== undefined && !parked.reason.toLowerCase().includes(filter.reason.toLowerCase())) return false;
  if (filter.olderThanMs !== undefined) {
    if (!parked.parkedAt || now.getTime() - parked.parkedAt.getTime() < filter.olderThanMs) return false;
  }
  return true;
}

/** Consumes until `count` messages arrived (or none came for a while: another consumer took them). */
function collect(channel: Channel, queue: string, count: number): Promise<ConsumeMessage[]> {
  const messages: ConsumeMessage[] = [];
  if (count === 0) return Promise.resolve(messages);
  return new Promise((resolve, reject) => {
    let idle: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(idle);
      resolve(messages);
    };
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(done, 2_000);
    };
    void channel
      .prefetch(count)
      .then(() =>
        channel.consume(queue, (message) => {
          if (!message || messages.length >= count) return;
          messages.push(message);
          if (messages.length >= count) done();
          else arm();
        }),
      )
      .then(arm, reject);
  });
}

function describeParked(index: number, message: ConsumeMessage): ParkedMessage {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const body = message.content.toString('utf8');
  let event: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') event = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: shown as text.
  }
  const death = firstDeath(headers);
  return {
    index,
    type: text(headers[HubHeaders.routingKey] ?? message.properties.type ?? event.type ?? death?.routingKey),
    eventId: text(message.properties.messageId ?? event.id),
    source: text(event.source),
    reason: text(headers[HubHeaders.deadLetterReason] ?? headers['x-first-death-reason']),
    parkedAt: parseDate(headers[HubHeaders.deadLetteredAt]) ?? death?.time,
    headers,
    body,
  };
}

/** The broker's own record of a delivery-limit parking (no `x-hub-*` headers then). */
function firstDeath(headers: Record<string, unknown>): { routingKey?: string; time?: Date } | undefined {
  const deaths = headers['x-death'];
  if (!Array.isArray(deaths) || deaths.length === 0) return undefined;
  const last = deaths[deaths.length - 1] as Record<string, unknown>;
  const keys = last['routing-keys'];
  const time = last.time as { value?: number } | number | undefined;
  const seconds = typeof time === 'number' ? time : time?.value;
  return {
    routingKey: Array.isArray(keys) && typeof keys[0] === 'string' ? keys[0] : undefined,
    time: seconds === undefined ? undefined : new Date(seconds * 1_000),
  };
}

function replayProperties(message: ConsumeMessage, parked: ParkedMessage): Options.Publish {
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parked.headers)) {
    if (!ATTEMPT_HEADERS.has(name) && !BROKER_DEATH_HEADER.test(name)) headers[name] = value;
  }
  if (headers[HubHeaders.routingKey] === undefined && parked.type !== '-') headers[HubHeaders.routingKey] = parked.type;
  return { ...copyProperties(message), headers };
}

function text(value: unknown): string {
  return typeof value === 'string' && value.length > 0 ? value : '-';
}

function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid AMQP_URL)';
  }
}
