import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type HubEvent } from '@hub/contracts';

/** One line of the audit log. `hash` = sha256(`prevHash` + the record's JSON without `hash`). */
export interface AuditRecord {
  seq: number;
  recordedAt: string;
  eventId: string;
  type: string;
  source: string;
  hubsource?: string;
  traceId?: string;
  event: HubEvent;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
const RECENT_IDS = 10_000;

/**
 * Local tamper-evident audit log: JSON lines, each chained to the one before by its hash, so an
 * edited, removed or reordered line breaks the chain (`verifyAuditLog`). Each append is flushed to
 * disk before it resolves (the consumer acks only then). Redeliveries of recent events are
 * recognised by id and not written twice.
 */
export class AuditLogSink {
  private file?: FileHandle;
  private seq = 0;
  private prevHash = GENESIS_HASH;
  private readonly recent = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

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
  }

  /** Appends the event unless it is a recent duplicate; returns the record, or undefined for a duplicate. */
  append(event: HubEvent, traceId?: string): Promise<AuditRecord | undefined> {
    const next = this.queue.then(() => this.write(event, traceId));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Nest calls this on shutdown: the last appends finish before the file closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    await this.queue;
    await this.file?.close();
    this.file = undefined;
  }

  private async write(event: HubEvent, traceId?: string): Promise<AuditRecord | undefined> {
    if (!this.file) throw new Error('the audit log is not open');
    if (this.recent.has(event.id)) return undefined;
    const unsigned: Omit<AuditRecord, 'hash'> = {
      seq: this.seq + 1,
      recordedAt: new Date().toISOString(),
      eventId: event.id,
      type: event.type,
      source: event.source,
      ...(event.hubsource ? { hubsource: event.hubsource } : {}),
      ...(traceId ? { traceId } : {}),
      event,
      prevHash: this.prevHash,
    };
    const record: AuditRecord = { ...unsigned, hash: chainHash(unsigned) };
    await this.file.write(`${JSON.stringify(record)}\n`);
    await this.file.datasync();
    this.seq = record.seq;
    this.prevHash = record.hash;
    this.remember(event.id);
    return record;
  }

  private remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > RECENT_IDS) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}

export function chainHash(unsigned: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(unsigned.prevHash).update(JSON.stringify(unsigned)).digest('hex');
}

export async function readRecords(path: string): Promise<AuditRecord[]> {
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (!exists) return [];
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AuditRecord);
}

export interface ChainVerdict {
  ok: boolean;
  records: number;
  /** The first line (1-based) whose record breaks the chain. */
  brokenAt?: number;
  problem?: string;
}

/** Re-computes the chain of the log at `path`. */
export async function verifyAuditLog(path: string): Promise<ChainVerdict> {
  const records = await readRecords(path);
  let prevHash = GENESIS_HASH;
  for (const [index, record] of records.entries()) {
    const { hash, ...unsigned } = record;
    const problem =
      record.prevHash !== prevHash
        ? 'its prevHash is not the hash of the record before'
        : chainHash(unsigned) !== hash
          ? 'its content does not match its hash'
          : record.seq !== index + 1
            ? `its seq is ${record.seq}, expected ${index + 1}`
            : undefined;
    if (problem) return { ok: false, records: records.length, brokenAt: index + 1, problem };
    prevHash = hash;
  }
  return { ok: true, records: records.length };
}
