import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { trace } from '@opentelemetry/api';

/** One line of an outbox file: what the hub would have sent, and why it did not. */
export interface RecordedCall {
  at: string;
  integration: string;
  operation: string;
  traceId?: string;
  request: unknown;
}

/**
 * The embedded recorder of unconfigured integrations (DESIGN.md's embedded default; not the sensor's
 * transactional outbox, `apps/sensor/src/outbox/`): instead of calling
 * the vendor, append what would have been sent to `$HUB_DATA_DIR/outbox/<integration>.jsonl` and
 * log it, so the whole hub runs with no accounts and shows every call it would make.
 */
export class CallRecorder {
  readonly path: string;
  private readonly logger: Logger;
  private ready?: Promise<unknown>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    readonly integration: string,
  ) {
    this.path = join(dataDir, 'outbox', `${integration}.jsonl`);
    this.logger = new Logger(`Outbox:${integration}`);
  }

  /** Appends one entry (appends are serialised, so lines never interleave). */
  write(operation: string, request: unknown): Promise<RecordedCall> {
    const entry: RecordedCall = {
      at: new Date().toISOString(),
      integration: this.integration,
      operation,
      traceId: trace.getActiveSpan()?.spanContext().traceId,
      request,
    };
    this.ready ??= mkdir(join(this.path, '..'), { recursive: true }).catch((error: unknown) => {
      this.ready = undefined; // try again with the next entry (the folder may be fixed by then)
      throw error;
    });
    const done = this.queue.then(async () => {
      await this.ready;
      await appendFile(this.path, `${JSON.stringify(entry)}\n`);
    });
    this.queue = done.catch(() => undefined);
    this.logger.log({ msg: `${this.integration} not configured: wrote ${operation} to the outbox`, path: this.path });
    return done.then(() => entry);
  }
}
