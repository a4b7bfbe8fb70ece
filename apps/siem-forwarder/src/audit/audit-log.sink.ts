import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type AuditRecord, chainHash, GENESIS_HASH, readRecords } from './audit-chain.js';
import { ALL_TAKEN, type BatchOutcome, type Sink } from '../sinks/sink.js';
import { SinkUnavailableError } from '../sinks/sink.errors.js';
import { type SiemRecord } from '../sinks/siem-record.js';

export { type AuditRecord, readRecords, verifyAuditLog } from './audit-chain.js';

const RECENT_IDS = 10_000;

/**
 * Local tamper-evident audit log: JSON lines, each chained to the one before by its hash, so an
 * edited, removed or reordered line breaks the chain (`hub audit verify`). A batch is one write and
 * one fsync before it counts as taken. Redeliveries of the last {@link RECENT_IDS} events are
 * recognised by id and not written twice, so the log holds each event once.
 */
export class AuditLogSink implements Sink {
  readonly name = 'audit-log';
  private file?: FileHandle;
  private seq = 0;
  private prevHash = GENESIS_HASH;
  /** Bytes of the log that hold whole, fsynced records: a failed write is cut back to it. */
  private size = 0;
  private readonly recent = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  get target(): string {
    return this.path;
  }

  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const existing = await readRecords(this.path);
    const last = existing.at(-1);
    if (last) {
      this.seq = last.seq;
      this.prevHash = last.hash;
    }
    for (const record of existing.slice(-RECENT_IDS)) this.recent.add(record.eventId);
    this.file = await open(this.path, 'a');
    this.size = (await this.file.stat()).size;
  }

  deliver(batch: readonly SiemRecord[]): Promise<BatchOutcome> {
    const next = this.queue.then(() => this.write(batch));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.file?.close();
    this.file = undefined;
  }

  private async write(batch: readonly SiemRecord[]): Promise<BatchOutcome> {
    if (!this.file) throw new SinkUnavailableError(this.name, 'the audit log is not open');
    const records: AuditRecord[] = [];
    let { seq, prevHash } = this;
    const ids = new Set<string>();
    for (const { event, traceId } of batch) {
      if (this.recent.has(event.id) || ids.has(event.id)) continue;
      ids.add(event.id);
      const unsigned: Omit<AuditRecord, 'hash'> = {
        seq: seq + 1,
        recordedAt: new Date().toISOString(),
        eventId: event.id,
        type: event.type,
        source: event.source,
        ...(event.hubsource ? { hubsource: event.hubsource } : {}),
        ...(traceId ? { traceId } : {}),
        event,
        prevHash,
      };
      const record: AuditRecord = { ...unsigned, hash: chainHash(unsigned) };
      records.push(record);
      seq = record.seq;
      prevHash = record.hash;
    }
    if (records.length === 0) return ALL_TAKEN;
    const text = records.map((record) => `${JSON.stringify(record)}\n`).join('');
    try {
      await this.file.write(text);
      await this.file.datasync();
    } catch (error) {
      await this.file.truncate(this.size).catch(() => undefined);
      throw new SinkUnavailableError(this.name, `cannot write ${this.path}: ${String(error)}`, undefined, {
        cause: error,
      });
    }
    this.size += Buffer.byteLength(text);
    this.seq = seq;
    this.prevHash = prevHash;
    for (const id of ids) this.remember(id);
    return ALL_TAKEN;
  }

  private remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > RECENT_IDS) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
