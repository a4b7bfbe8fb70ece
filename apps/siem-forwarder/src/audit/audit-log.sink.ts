import { type FileHandle, mkdir, open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  type AuditCheckpoint,
  type AuditRecord,
  chainHash,
  fileLines,
  GENESIS_HASH,
  rotatedFileName,
} from './audit-chain.js';
import { eventIdentity } from '@hub/contracts';
import { ALL_TAKEN, type BatchOutcome, type Sink } from '../sinks/sink.js';
import { SinkUnavailableError } from '../sinks/sink.errors.js';
import { type SiemRecord } from '../sinks/siem-record.js';

export { type AuditRecord, readRecords, verifyAuditLog } from './audit-chain.js';

const RECENT_IDS = 10_000;

export interface AuditLogOptions {
  /** HMAC key of the chain (HUB_AUDIT_KEY); without one the chain is a plain SHA-256 chain. */
  key?: string;
  /** The current file is rotated once it holds this many bytes. */
  rotateBytes?: number;
  /** The current file is rotated at the first write of a new UTC day. */
  rotateDaily?: boolean;
  /** A checkpoint is taken after this many records (and at every rotation). */
  checkpointRecords?: number;
  /** Receives each checkpoint (the forwarder sends it to the other sinks). */
  onCheckpoint?: (checkpoint: AuditCheckpoint) => void;
  /** The clock (tests move it across midnight). */
  now?: () => Date;
}

/**
 * Local tamper-evident audit log: JSON lines, each chained to the one before by its MAC (HMAC-SHA256
 * with the audit key, when one is set), so an edited, removed or reordered line breaks the chain,
 * and without the key nobody can write a chain that verifies (`hub audit verify`). A batch is one
 * write and one fsync before it counts as taken. The current file is rotated by size and by day into
 * `audit-<first seq>.jsonl`, the chain running on across files. Every `checkpointRecords` records
 * and at each rotation the head of the chain goes to `onCheckpoint`, and from there to the SIEM, so
 * a tail cut from the log shows too. Redeliveries of the last {@link RECENT_IDS} events are
 * recognised by id and not written twice, so the log holds each event once.
 */
export class AuditLogSink implements Sink {
  readonly name = 'audit-log';
  private file?: FileHandle;
  private seq = 0;
  private prevHash = GENESIS_HASH;
  /** The first seq of the current file (its name once rotated); undefined while it is empty. */
  private firstSeq?: number;
  private day?: string;
  private lastCheckpoint = 0;
  /** A checkpoint taken before anyone listened (at start-up), handed over when a listener comes. */
  private pendingCheckpoint?: AuditCheckpoint;
  /** Bytes of the log that hold whole, fsynced records: a failed write is cut back to it. */
  private size = 0;
  /** `eventIdentity` (source + id) of the last records written: a redelivered event is written once. */
  private readonly recent = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  constructor(
    readonly path: string,
    private readonly options: AuditLogOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  get target(): string {
    return `${this.path}${this.options.key ? ' (HMAC-SHA256)' : ''}`;
  }

  set onCheckpoint(listener: ((checkpoint: AuditCheckpoint) => void) | undefined) {
    this.options.onCheckpoint = listener;
    const pending = this.pendingCheckpoint;
    this.pendingCheckpoint = undefined;
    if (pending && listener) listener(pending);
  }

  /**
   * Opens the current file and takes the chain's head from its last line, read as a stream (the
   * current file is bounded by rotation). A log written without a key, opened with one, is rotated
   * first: keyed records start a file of their own, continuing the chain. The head found is the
   * first checkpoint (so the SIEM learns where a restarted forwarder takes the chain up).
   */
  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    let last: AuditRecord | undefined;
    let firstRecord: AuditRecord | undefined;
    try {
      for await (const { text, line } of fileLines(this.path)) {
        try {
          last = JSON.parse(text) as AuditRecord;
        } catch {
          throw new Error(`${this.path}:${line} is not a JSON record`);
        }
        firstRecord ??= last;
        this.remember(eventIdentity({ source: last.source, id: last.eventId }));
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (last) {
      this.seq = last.seq;
      this.prevHash = last.hash;
      this.firstSeq = firstRecord?.seq;
      this.day = last.recordedAt.slice(0, 10);
      this.lastCheckpoint = last.seq;
    }
    this.file = await open(this.path, 'a');
    this.size = (await this.file.stat()).size;
    if (last && this.options.key && last.mac !== 'hmac-sha256') await this.rotate();
    else this.checkpoint(basename(this.path));
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
    const now = this.now();
    if (this.firstSeq !== undefined && this.mustRotate(now)) await this.rotate();
    const records: AuditRecord[] = [];
    let { seq, prevHash } = this;
    const ids = new Set<string>();
    for (const { event, traceId } of batch) {
      const identity = eventIdentity(event);
      if (this.recent.has(identity) || ids.has(identity)) continue;
      ids.add(identity);
      const unsigned: Omit<AuditRecord, 'hash'> = {
        seq: seq + 1,
        recordedAt: now.toISOString(),
        eventId: event.id,
        type: event.type,
        source: event.source,
        ...(event.hubsource ? { hubsource: event.hubsource } : {}),
        ...(traceId ? { traceId } : {}),
        event,
        ...(this.options.key ? { mac: 'hmac-sha256' as const } : {}),
        prevHash,
      };
      const record: AuditRecord = { ...unsigned, hash: chainHash(unsigned, this.options.key) };
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
      throw new SinkUnavailableError(this.name, `cannot write ${this.path}: ${String(error)}`, { cause: error });
    }
    this.size += Buffer.byteLength(text);
    this.firstSeq ??= records[0]!.seq;
    this.day = now.toISOString().slice(0, 10);
    this.seq = seq;
    this.prevHash = prevHash;
    for (const id of ids) this.remember(id);
    if (this.seq - this.lastCheckpoint >= (this.options.checkpointRecords ?? 1000))
      this.checkpoint(basename(this.path));
    return ALL_TAKEN;
  }

  private mustRotate(now: Date): boolean {
    if (this.options.rotateBytes !== undefined && this.size >= this.options.rotateBytes) return true;
    return this.options.rotateDaily === true && this.day !== undefined && now.toISOString().slice(0, 10) !== this.day;
  }

  /** Renames the current file after its first seq and starts an empty one; the chain runs on. */
  private async rotate(): Promise<void> {
    if (this.firstSeq === undefined || !this.file) return;
    const rotated = join(dirname(this.path), rotatedFileName(this.firstSeq));
    await this.file.close();
    await rename(this.path, rotated);
    this.file = await open(this.path, 'a');
    this.size = 0;
    this.firstSeq = undefined;
    this.checkpoint(basename(rotated));
  }

  private checkpoint(file: string): void {
    if (this.seq === 0) return;
    this.lastCheckpoint = this.seq;
    const checkpoint = { seq: this.seq, hash: this.prevHash, file, recordedAt: this.now().toISOString() };
    if (this.options.onCheckpoint) this.options.onCheckpoint(checkpoint);
    else this.pendingCheckpoint = checkpoint;
  }

  private remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > RECENT_IDS) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
