import { type ConsumeMessage } from 'amqplib';
import { type Generation } from './delivery-settler.js';

interface InFlight {
  readonly generation: Generation;
  readonly work: Promise<void>;
  abandoned: boolean;
}

/**
 * The deliveries a consumer holds (handed to a handler, not settled yet), so a shutdown can let
 * them finish within its grace period and take over those that do not: the shutdown requeues
 * them (see `requeue` in {@link Settlement}) and their handler's late outcome is not settled again.
 */
export class InFlightDeliveries {
  private readonly deliveries = new Map<ConsumeMessage, InFlight>();

  /** `failed`: what a delivery's work that rejected (it never should: it settles its own failures) says. */
  constructor(private readonly failed: (error: unknown) => void) {}

  get size(): number {
    return this.deliveries.size;
  }

  track(message: ConsumeMessage, generation: Generation, work: Promise<void>): void {
    this.deliveries.set(message, { generation, work, abandoned: false });
    void work.then(
      () => this.deliveries.delete(message),
      (error: unknown) => {
        this.deliveries.delete(message);
        this.failed(error);
      },
    );
  }

  /** Settles once every delivery held now settled (abandoned ones included), or after `ms`. */
  async settled(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    });
    await Promise.race([Promise.allSettled([...this.deliveries.values()].map((d) => d.work)), waited]);
    clearTimeout(timer);
  }

  /** True once the shutdown took this delivery over: whatever its handler does now is not settled. */
  isAbandoned(message: ConsumeMessage): boolean {
    return this.deliveries.get(message)?.abandoned ?? false;
  }

  /**
   * Waits until every delivery is settled or `graceMs` passed, then marks those still running
   * abandoned and returns them, for the caller to requeue.
   */
  async drain(graceMs: number): Promise<{ message: ConsumeMessage; generation: Generation }[]> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.deliveries.values()].map((d) => d.work)), grace]);
    clearTimeout(timer);
    const left = [...this.deliveries].filter(([, d]) => !d.abandoned);
    for (const [, delivery] of left) delivery.abandoned = true;
    return left.map(([message, { generation }]) => ({ message, generation }));
  }
}
