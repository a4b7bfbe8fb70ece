import { type HubEvent } from '@hub/contracts';
import { DeadLetterError } from '@hub/messaging';
import { type Redactor } from '../redaction/redactor.js';
import { SinkRejectedError } from '../sinks/sink.errors.js';
import { type SinkQueue } from './sink-queue.js';

/**
 * Hands each event, redacted once, to every configured sink and waits until each one took it; the
 * caller acks the bus message only then (at-least-once to every sink). A sink that refused the
 * record for good does not hold back the others: once they all settled, the record goes to the
 * parking queue with the refusal as the reason.
 */
export class ForwarderService {
  constructor(
    private readonly queues: readonly SinkQueue[],
    private readonly redactor: Redactor,
  ) {}

  get sinks(): string[] {
    return this.queues.map((queue) => queue.sink.name);
  }

  async forward(event: HubEvent, traceId?: string): Promise<void> {
    const record = { event: this.redactor.redact(event), ...(traceId ? { traceId } : {}) };
    const results = await Promise.allSettled(this.queues.map((queue) => queue.submit(record)));
    const refusals = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (refusals.length === 0) return;
    const reasons = refusals.map((error) => (error instanceof SinkRejectedError ? error.message : String(error)));
    throw new DeadLetterError(reasons.join('; '), { eventId: event.id });
  }

  /** Nest calls this on shutdown: sinks stop retrying and close their files and connections. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close()));
  }
}
