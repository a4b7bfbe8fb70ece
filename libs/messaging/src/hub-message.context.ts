import { BaseRpcContext } from '@nestjs/microservices';
import { type ConsumeMessage } from 'amqplib';
import { type HubEvent } from '@hub/contracts';

/** A delivery this process holds behind the one handled, as its handlers will get it. */
export interface QueuedEvent {
  /** The routing key it was published with (its handlers are chosen by it). */
  readonly routingKey: string;
  readonly event: HubEvent;
}

type ContextArgs = [
  message: ConsumeMessage,
  queue: string,
  routingKey: string,
  attempt: number,
  queuedBehind?: () => readonly QueuedEvent[],
];

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

  /**
   * The deliveries of this one's partition key that wait in this process for it to finish, oldest
   * first, as of this call (more may arrive while the handler runs: ask when it matters). Left out:
   * what never reaches a handler (a malformed body, a command not from its issuer: those are parked).
   * Empty on a plain queue and for anything this process has not taken yet (the broker's queue,
   * another replica). Nothing here is done yet: a queued delivery may still fail, go to a retry
   * tier or be parked, or go back to the queue when the service stops (handled again after it).
   */
  getQueuedBehind(): readonly QueuedEvent[] {
    return this.args[4]?.() ?? [];
  }

  getHeaders(): Record<string, unknown> {
    return this.args[0].properties.headers ?? {};
  }
}
