import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type HubEvent } from '@hub/contracts';

/**
 * One line of the audit log. `hash` = MAC of `prevHash` + the record's JSON without `hash`: an
 * HMAC-SHA256 with the audit key when the log is keyed (`mac: 'hmac-sha256'`), else a SHA-256.
 */
export interface AuditRecord {
  seq: number;
  recordedAt: string;
  eventId: string;
  type: string;
  source: string;
  hubsource?: string;
  traceId?: string;
  event: HubEvent;
  /** Present on keyed records: only the holder of the key can write or rewrite them. */
  mac?: 'hmac-sha256';
  prevHash: string;
  hash: string;
}

/**
 * The head of the chain at one moment, sent to the SIEM sinks (event type `audit.checkpoint`): given
 * the last one, a log cut after it, or rewritten before it, no longer verifies.
 */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  file: string;
  recordedAt: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The current file of a log; rotated files sit beside it as `audit-<first seq, 12 digits>.jsonl`. */
export const CURRENT_FILE = 'audit.jsonl';

export function chainHash(unsigned: Omit<AuditRecord, 'hash'>, key?: string): string {
  const mac = unsigned.mac === 'hmac-sha256' && key !== undefined ? createHmac('sha256', key) : createHash('sha256');
  return mac.update(unsigned.prevHash).update(JSON.stringify(unsigned)).digest('hex');
}

/** The name a full current file gets when it is rotated: its first seq, so names sort in chain order. */
export function rotatedFileName(firstSeq: number): string {
  return `audit-${String(firstSeq).padStart(12, '0')}.jsonl`;
}

const ROTATED = /^audit-(\d{12})\.jsonl$/;

/**
 * The files of the log that `path` names, in chain order: a directory holds the rotated files and
 * the current one; a file stands alone.
 */
export async function auditFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (info === undefined) return [];
  if (!info.isDirectory()) return [path];
  const names = await readdir(path);
  const rotated = names.filter((name) => ROTATED.test(name)).sort();
  return [...rotated, ...(names.includes(CURRENT_FILE) ? [CURRENT_FILE] : [])].map((name) => join(path, name));
}

/** The lines of a file, one at a time (constant memory), with their 1-based numbers. */
export async function* fileLines(path: string): AsyncGenerator<{ text: string; line: number; bytes: number }> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() !== '') yield { text, line, bytes: Buffer.byteLength(text) + 1 };
  }
}

/** The records of the log file at `path` ([] when there is none). Throws on a line that is not JSON. */
export async function readRecords(path: string): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  if ((await auditFiles(path)).length === 0) return records;
  for await (const { text, line } of fileLines(path)) {
    try {
      records.push(JSON.parse(text) as AuditRecord);
    } catch {
      throw new Error(`${path}:${line} is not a JSON record`);
    }
  }
  return records;
}

export interface ChainVerdict {
  ok: boolean;
  records: number;
  /** The file and first line (1-based, as in the file) whose record breaks the chain. */
  file?: string;
  brokenAt?: number;
  problem?: string;
  /** The last record of an intact chain: compare it with the latest checkpoint in the SIEM. */
  head?: { seq: number; hash: string };
}

export interface VerifyOptions {
  /** The audit key (HUB_AUDIT_KEY): keyed records are checked with it, unkeyed ones refused. */
  key?: string;
  /** The latest checkpoint from the SIEM: the chain must hold it, so a cut tail shows. */
  checkpoint?: { seq: number; hash: string };
  /** Called about once a second with what has been verified so far. */
  onProgress?: (progress: { records: number; bytes: number; file: string }) => void;
  progressEveryMs?: number;
}

export class AuditKeyRequiredError extends Error {
  override readonly name = 'AuditKeyRequiredError';
}

/**
 * Re-computes the chain of the log at `path` (the audit directory: every file, in chain order; or
 * one file), streaming: memory stays flat whatever the size. An edited record
 * no longer matches its MAC; a removed one leaves a gap in `seq` and a `prevHash` that points
 * nowhere; reordered ones show a `seq` going backwards; without the key a keyed log cannot be
 * rewritten, and with the latest checkpoint a cut tail shows. The verdict names the first file and
 * line where the chain breaks. A single file is checked from its own first record on.
 */
export async function verifyAuditLog(path: string, options: VerifyOptions = {}): Promise<ChainVerdict> {
  const files = await auditFiles(path);
  // A file checked on its own may continue a chain from an earlier file: it starts where its first
  // record says, unless that record is the chain's first (then it must point at the genesis).
  const standalone = !(await stat(path)).isDirectory();
  let prevHash: string | undefined = standalone ? undefined : GENESIS_HASH;
  let expectedSeq: number | undefined = standalone ? undefined : 1;
  let records = 0;
  let bytes = 0;
  let checkpointSeen = false;
  let lastProgress = Date.now();
  const every = options.progressEveryMs ?? 1000;
  for (const file of files) {
    for await (const { text, line, bytes: size } of fileLines(file)) {
      const broken = (problem: string): ChainVerdict => ({ ok: false, records, file, brokenAt: line, problem });
      let record: AuditRecord;
      try {
        record = JSON.parse(text) as AuditRecord;
      } catch {
        return broken('it is not a JSON record');
      }
      prevHash ??= record.seq === 1 ? GENESIS_HASH : record.prevHash;
      expectedSeq ??= record.seq;
      if (record.prevHash !== prevHash || record.seq !== expectedSeq) {
        if (typeof record.seq === 'number' && record.seq > expectedSeq) {
          return broken(`seq ${record.seq} where ${expectedSeq} was expected: a record before it was removed`);
        }
        if (typeof record.seq === 'number' && record.seq < expectedSeq) {
          return broken(`seq ${record.seq} after seq ${expectedSeq - 1}: records were reordered or duplicated`);
        }
        return broken('its prevHash is not the hash of the record before');
      }
      if (record.mac === 'hmac-sha256' && options.key === undefined) {
        throw new AuditKeyRequiredError(
          `${file}:${line}: the log is keyed (HMAC-SHA256); give its key (HUB_AUDIT_KEY or --key-file) to verify it`,
        );
      }
      if (options.key !== undefined && record.mac !== 'hmac-sha256') {
        return broken('it is not keyed: it was written without the audit key, or rewritten by someone without it');
      }
      const { hash, ...unsigned } = record;
      if (!sameHex(chainHash(unsigned, options.key), hash)) {
        return broken('its content does not match its hash (the record was edited)');
      }
      if (options.checkpoint?.seq === record.seq) {
        if (record.hash !== options.checkpoint.hash) {
          return broken(`it is not the record of the checkpoint (seq ${record.seq}): the log was rewritten`);
        }
        checkpointSeen = true;
      }
      prevHash = hash;
      expectedSeq += 1;
      records += 1;
      bytes += size;
      if (options.onProgress && Date.now() - lastProgress >= every) {
        lastProgress = Date.now();
        options.onProgress({ records, bytes, file });
      }
    }
  }
  const head =
    expectedSeq !== undefined && prevHash !== undefined ? { seq: expectedSeq - 1, hash: prevHash } : undefined;
  if (options.checkpoint && !checkpointSeen) {
    const last = head?.seq ?? 0;
    return {
      ok: false,
      records,
      file: files.at(-1),
      problem:
        last < options.checkpoint.seq
          ? `the log ends at seq ${last} but the checkpoint names seq ${options.checkpoint.seq}: records were cut from its end`
          : `the checkpoint's seq ${options.checkpoint.seq} is not in the files checked`,
    };
  }
  return { ok: true, records, ...(head && records > 0 ? { head } : {}) };
}

function sameHex(a: string, b: unknown): boolean {
  if (typeof b !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
