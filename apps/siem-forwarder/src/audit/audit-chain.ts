import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
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

export function chainHash(unsigned: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(unsigned.prevHash).update(JSON.stringify(unsigned)).digest('hex');
}

/** The records of the log at `path` ([] when there is no log yet). Throws on a line that is not JSON. */
export async function readRecords(path: string): Promise<AuditRecord[]> {
  const lines = await readLines(path);
  return lines.flatMap(({ text, line }) => {
    try {
      return [JSON.parse(text) as AuditRecord];
    } catch {
      throw new Error(`${path}:${line} is not a JSON record`);
    }
  });
}

export interface ChainVerdict {
  ok: boolean;
  records: number;
  /** The first line (1-based, as in the file) whose record breaks the chain. */
  brokenAt?: number;
  problem?: string;
}

/**
 * Re-computes the chain of the log at `path`. An edited record no longer matches its hash; a
 * removed one leaves a gap in `seq` and a `prevHash` that points nowhere; reordered ones show a
 * `seq` going backwards. The verdict names the first line where the chain breaks.
 */
export async function verifyAuditLog(path: string): Promise<ChainVerdict> {
  const lines = await readLines(path);
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const { text, line } of lines) {
    const broken = (problem: string): ChainVerdict => ({ ok: false, records: lines.length, brokenAt: line, problem });
    let record: AuditRecord;
    try {
      record = JSON.parse(text) as AuditRecord;
    } catch {
      return broken('it is not a JSON record');
    }
    const { hash, ...unsigned } = record;
    if (record.prevHash !== prevHash || record.seq !== expectedSeq) {
      if (typeof record.seq === 'number' && record.seq > expectedSeq) {
        return broken(`seq ${record.seq} where ${expectedSeq} was expected: a record before it was removed`);
      }
      if (typeof record.seq === 'number' && record.seq < expectedSeq) {
        return broken(`seq ${record.seq} after seq ${expectedSeq - 1}: records were reordered or duplicated`);
      }
      return broken('its prevHash is not the hash of the record before');
    }
    if (chainHash(unsigned) !== hash) return broken('its content does not match its hash (the record was edited)');
    prevHash = hash;
    expectedSeq += 1;
  }
  return { ok: true, records: lines.length };
}

async function readLines(path: string): Promise<{ text: string; line: number }[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return text
    .split('\n')
    .map((content, index) => ({ text: content, line: index + 1 }))
    .filter(({ text: content }) => content.trim() !== '');
}
