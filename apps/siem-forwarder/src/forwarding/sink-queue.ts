import { Logger } from '@nestjs/common';
import { VendorRetryPolicy } from '@hub/contracts';
import { type SiemMetrics } from '../metrics/siem.metrics.js';
import { type Sink } from '../sinks/sink.js';
import { SinkRejectedError, SinkUnavailableError } from '../sinks/sink.errors.js';
import { type SiemRecord } from '../sinks/siem-record.js';

export interface SinkQueueOptions {
  batchSize: number;
  batchWaitMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
}

interface Pending {
  record: SiemRecord;
  resolve: () => void;
  reject: (error: SinkRejectedError) => void;
}

/**
 * One sink's own progress: records are batched (by size, or after `batchWaitMs`), one batch at a
 * time so the sink sees them in order, and a batch that fails is sent again after an exponential
 * back-off (capped, jittered) until the sink takes it — never dropped. `submit` resolves when the
 * sink took the record and rejects only when the sink refused it for good. While a sink is down its
 * records wait here, their bus messages stay unacked, and the broker stops delivering once the
 * prefetch is used up: back-pressure instead of loss.
 */
export class SinkQueue {
  private readonly logger: Logger;
  private readonly pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private busy = false;
  private closed = false;
  private readonly closing = new AbortController();
  /**
   * Every failure is retried (records are never dropped) with the vendor retry policy's jittered
   * back-off from `retryInitialMs` to `retryMaxMs`, a `Retry-After` honoured up to that; a sink that
   * keeps failing opens its circuit, which is probed again after `retryMaxMs`.
   */
  private readonly policy: VendorRetryPolicy;

  constructor(
    readonly sink: Sink,
    private readonly options: SinkQueueOptions,
    private readonly metrics: SiemMetrics,
  ) {
    this.logger = new Logger(`SinkQueue(${sink.name})`);
    this.policy = new VendorRetryPolicy({
      vendor: sink.name,
      retries: Infinity,
      initialDelayMs: options.retryInitialMs,
      maxDelayMs: options.retryMaxMs,
      halfOpenAfterMs: options.retryMaxMs,
      classify: (error) => ({
        kind: 'unavailable',
        retryAfterMs: error instanceof SinkUnavailableError ? error.retryAfterMs : undefined,
      }),
      onRetry: ({ attempt, delayMs, error, kind }) => {
        if (kind !== 'circuit open') this.metrics.failedAttempts.inc({ sink: sink.name });
        const why = error instanceof Error ? error.message : String(error);
        this.logger.warn(
          `${sink.name} did not take the batch (attempt ${attempt}): ${why}; sending it again in ${Math.round(delayMs)} ms`,
        );
      },
    });
  }

  submit(record: SiemRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      this.metrics.pending.inc({ sink: this.sink.name });
      this.schedule();
    });
  }

  /** Stops sending; records still waiting stay unsettled (their messages go back to the queue with the channel). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.closing.abort();
    await this.sink.close();
  }

  private schedule(): void {
    if (this.busy || this.closed || this.pending.length === 0) return;
    if (this.pending.length >= this.options.batchSize) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.options.batchWaitMs);
    }
  }

  private async flush(): Promise<void> {
    if (this.busy || this.closed || this.pending.length === 0) return;
    this.busy = true;
    const batch = this.pending.splice(0, this.options.batchSize);
    try {
      const rejected = await this.deliverUntilTaken(batch.map((entry) => entry.record));
      if (rejected) this.settle(batch, rejected);
    } finally {
      this.busy = false;
      this.schedule();
    }
  }

  /** Sends the batch until the sink takes it; undefined when the queue closed first. */
  private async deliverUntilTaken(records: SiemRecord[]): Promise<ReadonlyMap<number, string> | undefined> {
    try {
      const outcome = await this.policy.execute(
        async (attempt) => {
          const taken = await this.sink.deliver(records);
          if (attempt > 1) this.logger.log(`${this.sink.name} took the batch again after ${attempt} attempts`);
          return taken;
        },
        { signal: this.closing.signal },
      );
      this.metrics.batchSize.observe({ sink: this.sink.name }, records.length);
      return outcome.rejected;
    } catch (error) {
      if (this.closing.signal.aborted) return undefined;
      throw error;
    }
  }

  private settle(batch: Pending[], rejected: ReadonlyMap<number, string>): void {
    for (const [index, entry] of batch.entries()) {
      const reason = rejected.get(index);
      this.metrics.pending.dec({ sink: this.sink.name });
      this.metrics.delivered.inc({ sink: this.sink.name, outcome: reason === undefined ? 'taken' : 'rejected' });
      if (reason === undefined) entry.resolve();
      else entry.reject(new SinkRejectedError(this.sink.name, reason));
    }
  }
}
