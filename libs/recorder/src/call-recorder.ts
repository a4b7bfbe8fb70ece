import { type FileHandle, mkdir, open } from 'node:fs/promises';
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

/** Lines waiting for the write in flight, and how to tell their writers. */
interface Batch {
  lines: string[];
  settle: ((error?: Error) => void)[];
}

/**
 * The embedded recorder of unconfigured integrations (DESIGN.md's embedded default; not the sensor's
 * transactional outbox, `apps/sensor/src/outbox/`): instead of calling
 * the vendor, append what would have been sent to `$HUB_DATA_DIR/outbox/<integration>.jsonl` and
 * log it, so the whole hub runs with no accounts and shows every call it would make.
 *
 * The file is opened once (append mode) and kept open until {@link close}; entries that arrive while
 * a write is in flight go out together in the next one, so lines never interleave and a burst costs
 * one write, not an open/write/close per entry.
 */
export class CallRecorder {
  readonly path: string;
  private readonly logger: Logger;
  private handle?: Promise<FileHandle>;
  private writing = false;
  private next: Batch = { lines: [], settle: [] };
  private closed?: Promise<void>;

  constructor(
    dataDir: string,
    readonly integration: string,
  ) {
    this.path = join(dataDir, 'outbox', `${integration}.jsonl`);
    this.logger = new Logger(`Outbox:${integration}`);
  }

  /** Appends one entry (in the order of the calls; resolves once it is in the file). */
  write(operation: string, request: unknown): Promise<RecordedCall> {
    const entry: RecordedCall = {
      at: new Date().toISOString(),
      integration: this.integration,
      operation,
      traceId: trace.getActiveSpan()?.spanContext().traceId,
      request,
    };
    const written = new Promise<void>((resolve, reject) => {
      this.next.lines.push(`${JSON.stringify(entry)}\n`);
      this.next.settle.push((error) => (error === undefined ? resolve() : reject(error)));
    });
    if (!this.writing) void this.drain();
    this.logger.log({ msg: `${this.integration} not configured: wrote ${operation} to the outbox`, path: this.path });
    return written.then(() => entry);
  }

  /** Writes what is waiting, one batch at a time, until nothing is. */
  private async drain(): Promise<void> {
    this.writing = true;
    while (this.next.lines.length > 0) {
      const batch = this.next;
      this.next = { lines: [], settle: [] };
      let failure: Error | undefined;
      try {
        const handle = await this.file();
        await handle.write(batch.lines.length === 1 ? batch.lines[0]! : batch.lines.join(''));
      } catch (error) {
        failure = error instanceof Error ? error : new Error(`outbox write failed: ${String(error)}`);
        // Open again with the next entry (the folder may be fixed by then).
        const broken = this.handle;
        this.handle = undefined;
        void broken?.then((handle) => handle.close()).catch(() => undefined);
      }
      for (const settle of batch.settle) settle(failure);
    }
    this.writing = false;
  }

  private file(): Promise<FileHandle> {
    if (this.closed && !this.handle) return Promise.reject(new Error(`outbox ${this.path} is closed`));
    this.handle ??= mkdir(join(this.path, '..'), { recursive: true }).then(() => open(this.path, 'a'));
    return this.handle;
  }

  /** Waits for the entries in hand and closes the file (on shutdown); later writes fail. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      while (this.writing) await new Promise((resolve) => setImmediate(resolve));
      const handle = await this.handle?.catch(() => undefined);
      this.handle = undefined;
      await handle?.close();
    })();
    return this.closed;
  }
}
