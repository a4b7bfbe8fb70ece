import { createHash } from 'node:crypto';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { type HubEvent } from '@hub/contracts';
import { type MqttSpec } from '../../config/source.schema.js';
import { RefusedMessageError } from '../../config/source.errors.js';
import { toHubEvent } from '../bridge-envelope.js';
import { type Source, type SourceContext, type SourceHealth, type SourceLag } from '../source.js';
import { mqttTopicMatches } from './topic-filter.js';

/**
 * An MQTT broker: QoS 1 subscriptions on a persistent session (`clean: false`, a fixed client id),
 * each topic mapped by its first matching filter. The PUBACK goes out only after the hub's broker
 * confirmed the event; while it cannot take it, the message is retried every
 * `retryDelay` and stays unacknowledged — the MQTT broker holds it (and sends it again after a
 * reconnect), so nothing is lost. Exclusive: two clients with one id would take each other's session.
 */
export class MqttSource implements Source {
  readonly kind = 'mqtt' as const;
  readonly exclusive = true;
  private client?: MqttClient;
  private context?: SourceContext;
  private inflight = 0;
  private stopped = false;
  private readonly clientId: string;

  constructor(
    readonly name: string,
    private readonly spec: MqttSpec,
    private readonly defaultUrl: string,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {
    this.clientId = spec.clientId ?? `hub-${name}`.slice(0, 23);
  }

  async start(context: SourceContext): Promise<void> {
    this.stopped = false;
    this.context = context;
    const client = mqtt.connect(this.spec.url ?? this.defaultUrl, {
      clientId: this.clientId,
      clean: false,
      protocolVersion: this.spec.protocolVersion,
      ...(this.spec.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0xffffffff } } : {}),
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      ...(this.spec.username ? { username: this.spec.username } : {}),
      ...(this.spec.passwordEnv ? { password: this.env[this.spec.passwordEnv] ?? '' } : {}),
    });
    // The PUBACK of a QoS 1 message goes out when handleMessage calls back (mqtt.js, both protocol
    // versions; its customHandleAcks works with MQTT 5 only): after the hub's broker confirmed.
    client.handleMessage = (packet, callback) => {
      if (packet.cmd !== 'publish') return callback();
      void this.handle(packet.topic, packet.payload as Buffer, packet).then(() => callback());
    };
    this.client = client;
    client.on('error', () => undefined);
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
        client.once('close', () => reject(new Error('the MQTT broker closed the connection')));
      });
      const filters = this.spec.topics.map((t) => t.filter);
      const granted = await client.subscribeAsync(filters, { qos: 1 });
      const refused = granted.filter((g) => g.qos !== 1 && g.qos !== 2);
      if (refused.length > 0) throw new Error(`the broker refused ${refused.map((g) => g.topic).join(', ')}`);
    } catch (error) {
      await client.endAsync(true).catch(() => undefined);
      throw new Error(`MQTT ${this.spec.url ?? this.defaultUrl}: ${(error as Error).message}`, { cause: error });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = undefined;
    await client?.endAsync(true).catch(() => undefined);
  }

  health(): SourceHealth {
    if (!this.client?.connected) return { connected: false, reason: 'not connected to the MQTT broker' };
    return { connected: true };
  }

  /** Messages received and not yet acknowledged (waiting for the hub's broker). */
  lag(): SourceLag {
    return { unit: 'messages', value: this.inflight };
  }

  /** Resolves once the message may be acknowledged: its event confirmed, or refused for good (acked and dropped). */
  private async handle(topic: string, payload: Buffer, packet: IPublishPacket): Promise<void> {
    const context = this.context!;
    const rule = this.spec.topics.find((t) => mqttTopicMatches(t.filter, topic));
    let event: HubEvent;
    try {
      event = toHubEvent(
        {
          body: payload,
          ceHeaders: {},
          messageId: `${this.clientId}:${topic}:${packet.messageId ?? 0}:${digest(payload)}`,
          subject: topic,
          defaultSource: `mqtt://${this.clientId}`,
        },
        rule?.type
          ? {
              type: rule.type,
              ...(rule.idField ? { idField: rule.idField } : {}),
              ...(rule.source ? { source: rule.source } : {}),
            }
          : undefined,
      );
    } catch (error) {
      if (!(error instanceof RefusedMessageError)) throw error;
      context.count('refused');
      context.refused(`${topic}#${packet.messageId ?? 0}`, error.message);
      return;
    }
    this.inflight++;
    try {
      // A lost lease stops publishing at once: no PUBACK, the broker keeps the message for the next holder.
      while (!this.stopped && (context.lease?.held ?? true)) {
        try {
          await context.publish(event);
          context.count('published');
          return;
        } catch {
          context.count('retried');
          await new Promise((resolve) => setTimeout(resolve, this.spec.retryDelay));
        }
      }
      // Stopping or the lease lost: no PUBACK; the broker keeps the message for the session's next connection.
      return new Promise<void>(() => undefined);
    } finally {
      this.inflight--;
    }
  }
}

function digest(payload: Buffer): string {
  return createHash('sha256').update(payload).digest('hex').slice(0, 16);
}
