import { Logger } from '@nestjs/common';
import { createEvent, type HubEvent, type Redactor } from '@hub/contracts';
import { type AuditCheckpoint } from '../audit/audit-chain.js';
import { DeadLetterError } from '@hub/messaging';
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

  private readonly logger = new Logger(ForwarderService.name);

  /**
   * Sends a checkpoint of the local audit log to every other sink, as an `audit.checkpoint` record:
   * the SIEM then holds the head of the chain, and `hub audit verify --checkpoint <seq>:<hash>`
   * proves the local log was neither cut nor rewritten up to it. It waits in the sink queues like
   * any record; a checkpoint that cannot be sent is superseded by the next one.
   */
  forwardCheckpoint(checkpoint: AuditCheckpoint, from: string): void {
    const event = createEvent({
      type: 'audit.checkpoint',
      source: 'hub/siem-forwarder',
      hubsource: 'siem-forwarder',
      subject: checkpoint.file,
      data: checkpoint,
    });
    for (const queue of this.queues.filter((q) => q.sink.name !== from)) {
      queue.submit({ event }).catch((error: unknown) => {
        this.logger.warn(`checkpoint seq ${checkpoint.seq} refused by ${queue.sink.name}: ${String(error)}`);
      });
    }
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
