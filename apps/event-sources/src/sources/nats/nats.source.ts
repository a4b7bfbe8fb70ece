import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { type NatsSpec } from '../../config/source.schema.js';
import { RefusedMessageError } from '../../config/source.errors.js';
import { type BridgedMessage, toHubEvent } from '../bridge-envelope.js';
import { type Source, type SourceContext, type SourceHealth, type SourceLag } from '../source.js';

/**
 * A NATS JetStream stream through a durable pull consumer (`spec.consumer`, explicit acks, no
 * delivery limit). Each message is published to `hub.events` and acked in JetStream only after the
 * broker's confirm; when the broker cannot take it, the message is nak'ed with `nakDelay` and stays
 * in JetStream. A message that can never become a hub event (not a CloudEvent and no mapping, an
 * internal type, bad data) is terminated with the reason. Not exclusive: replicas share the durable.
 */
export class NatsSource implements Source {
  readonly kind = 'nats' as const;
  readonly exclusive = false;
  private connection?: NatsConnection;
  private loop?: Promise<void>;
  private stopped = false;
  private readonly consumerName: string;

  constructor(
    readonly name: string,
    private readonly spec: NatsSpec,
    private readonly defaultServer: string,
  ) {
    this.consumerName = spec.consumer ?? `hub-${name}`;
  }

  async start(context: SourceContext): Promise<void> {
    this.stopped = false;
    const servers = this.spec.servers ?? [this.defaultServer];
    const where = `NATS ${servers.join(',')} stream ${this.spec.stream}`;
    const nc = await connect({ servers, name: `hub-event-sources/${this.name}`, maxReconnectAttempts: -1 }).catch(
      (error: unknown) => {
        throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
      },
    );
    this.connection = nc;
    try {
      const jsm = await jetstreamManager(nc);
      const config = {
        durable_name: this.consumerName,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(this.spec.ackWait),
        max_deliver: -1,
        // One filter as `filter_subject`: `filter_subjects` needs NATS 2.10.
        ...(this.spec.filterSubjects.length === 1 ? { filter_subject: this.spec.filterSubjects[0] } : {}),
        ...(this.spec.filterSubjects.length > 1 ? { filter_subjects: this.spec.filterSubjects } : {}),
      };
      const existing = await jsm.consumers.info(this.spec.stream, this.consumerName).catch(() => undefined);
      if (existing) await jsm.consumers.update(this.spec.stream, this.consumerName, config);
      else await jsm.consumers.add(this.spec.stream, config);
      const consumer = await jetstream(nc).consumers.get(this.spec.stream, this.consumerName);
      const messages = await consumer.consume({ max_messages: this.spec.maxMessages });
      this.loop = (async () => {
        // Up to maxMessages in flight: the broker pipelines the confirms (JetStream keeps no order
        // across redeliveries either).
        const inflight = new Set<Promise<void>>();
        for await (const message of messages) {
          const handled: Promise<void> = this.handle(message, context).finally(() => inflight.delete(handled));
          inflight.add(handled);
          if (inflight.size >= this.spec.maxMessages) await Promise.race(inflight);
        }
        await Promise.all(inflight);
      })().catch((error: unknown) => {
        if (!this.stopped) context.failed(error as Error);
      });
      void nc.closed().then((error) => {
        if (!this.stopped) context.failed(error ?? new Error('the NATS connection closed'));
      });
    } catch (error) {
      await nc.close().catch(() => undefined);
      throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const nc = this.connection;
    this.connection = undefined;
    await nc?.drain().catch(() => nc.close());
    await this.loop;
  }

  health(): SourceHealth {
    const nc = this.connection;
    if (!nc || nc.isClosed()) return { connected: false, reason: 'not connected to NATS' };
    if (nc.isDraining()) return { connected: false, reason: 'draining' };
    return { connected: true };
  }

  /** JetStream's pending messages of the durable (not yet delivered plus delivered and not acked). */
  async lag(): Promise<SourceLag> {
    const nc = this.connection;
    if (!nc || nc.isClosed()) return { unit: 'messages', value: 0 };
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info(this.spec.stream, this.consumerName);
    return { unit: 'messages', value: info.num_pending + info.num_ack_pending };
  }

  /** Never rejects: a message is acked, nak'ed or terminated. */
  private async handle(message: JsMsg, context: SourceContext): Promise<void> {
    let event;
    try {
      event = toHubEvent(this.bridged(message), this.spec.map);
    } catch (error) {
      if (!(error instanceof RefusedMessageError)) {
        message.nak(this.spec.nakDelay);
        context.failed(error as Error);
        return;
      }
      context.count('refused');
      // No reason on the TERM: servers before 2.10.4 do not take one (the reason is logged and counted instead).
      context.refused(`${this.spec.stream}#${message.seq}`, error.message);
      message.term();
      return;
    }
    try {
      await context.publish(event);
    } catch {
      context.count('retried');
      message.nak(this.spec.nakDelay);
      return;
    }
    await message.ackAck().catch(() => false);
    context.count('published');
  }

  private bridged(message: JsMsg): BridgedMessage {
    const ceHeaders: Record<string, string> = {};
    let msgId: string | undefined;
    for (const [key, values] of message.headers ?? []) {
      const lower = key.toLowerCase();
      if (lower === 'nats-msg-id') msgId = values[0];
      else if (lower.startsWith('ce-') && values[0] !== undefined) ceHeaders[lower] = values[0];
    }
    return {
      body: message.data,
      ceHeaders,
      messageId: msgId ?? `${this.spec.stream}:${message.seq}`,
      subject: message.subject,
      defaultSource: `nats://${this.spec.stream}`,
    };
  }
}
