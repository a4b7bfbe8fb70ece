import { BaseRpcContext } from '@nestjs/microservices';
import { type ConsumeMessage } from 'amqplib';

type ContextArgs = [message: ConsumeMessage, queue: string, routingKey: string, attempt: number];

/** What a handler may know about the delivery it handles (`@Ctx() ctx: HubMessageContext`). */
export class HubMessageContext extends BaseRpcContext<ContextArgs> {
  /** The raw AMQP delivery. */
  getMessage(): ConsumeMessage {
    return this.args[0];
  }

  /** The consuming service's queue. */
  getQueue(): string {
    return this.args[1];
  }

  /** The routing key the event was published with (kept across retries). */
  getRoutingKey(): string {
    return this.args[2];
  }

  /** 1 on the first attempt, 2 after the first retry, and so on. */
  getAttempt(): number {
    return this.args[3];
  }

  /** True when the broker delivers this message again (the previous consumer died or its channel closed). */
  isRedelivered(): boolean {
    return this.args[0].fields.redelivered;
  }

  getHeaders(): Record<string, unknown> {
    return this.args[0].properties.headers ?? {};
  }
}
