import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from '@hub/contracts';
import { type AuditRecord, chainHash, GENESIS_HASH } from '@hub/siem-forwarder/audit-chain';
import { main } from '../cli.js';
import { type CommandIo } from '../command.js';
import { auditCommands } from './audit.js';

function capture(cwd: string): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, cwd };
}

/** Four chained records, as the SIEM forwarder writes them, one JSON line each. */
function chainedLines(): string[] {
  let prevHash = GENESIS_HASH;
  return [1, 2, 3, 4].map((seq) => {
    const event = createEvent({ type: 'alert.firing', source: '/test', data: { n: seq } });
    const unsigned: Omit<AuditRecord, 'hash'> = {
      seq,
      recordedAt: new Date().toISOString(),
      eventId: event.id,
      type: event.type,
      source: event.source,
      event,
      prevHash,
    };
    prevHash = chainHash(unsigned);
    return JSON.stringify({ ...unsigned, hash: prevHash });
  });
}

describe('hub audit verify', () => {
  let dir: string;
  let lines: string[];
  const verify = async (content: string[]) => {
    await writeFile(join(dir, 'audit.jsonl'), `${content.join('\n')}\n`);
    const io = capture(dir);
    const code = await main(['audit', 'verify', 'audit.jsonl'], io, [auditCommands]);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-audit-cli-'));
    lines = chainedLines();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts an intact log (exit 0)', async () => {
    expect(await verify(lines)).toEqual({
      code: 0,
      out: 'audit.jsonl: intact, 4 record(s) in an unbroken hash chain',
      err: '',
    });
  });

  it('names the line of an edited record (exit 1)', async () => {
    const edited = [...lines];
    edited[2] = edited[2]!.replace('"n":3', '"n":30');
    expect(await verify(edited)).toEqual({
      code: 1,
      out: '',
      err: 'audit.jsonl:3: chain broken at line 3: its content does not match its hash (the record was edited)',
    });
  });

  it('names the line after a removed record (exit 1)', async () => {
    const result = await verify([lines[0]!, lines[2]!, lines[3]!]);
    expect(result).toMatchObject({
      code: 1,
      err: expect.stringContaining('audit.jsonl:2: chain broken at line 2: seq 3'),
    });
    expect(result.err).toContain('removed');
  });

  it('names the line of reordered records (exit 1)', async () => {
    const result = await verify([lines[0]!, lines[2]!, lines[1]!, lines[3]!]);
    expect(result).toMatchObject({ code: 1, err: expect.stringContaining('audit.jsonl:2: chain broken at line 2') });
  });

  it('catches a re-hashed edit: the next record no longer points at it', async () => {
    const record = JSON.parse(lines[1]!) as AuditRecord;
    const { hash: _old, ...unsigned } = { ...record, source: '/forged' };
    const forged = JSON.stringify({ ...unsigned, hash: chainHash(unsigned) });
    const result = await verify([lines[0]!, forged, lines[2]!, lines[3]!]);
    expect(result).toMatchObject({ code: 1, err: expect.stringContaining('at line 3: its prevHash') });
  });

  it('says so when the file does not exist, and shows the usage for a bad sub-command', async () => {
    const io = capture(dir);
    expect(await main(['audit', 'verify', 'missing.jsonl'], io, [auditCommands])).toBe(1);
    expect(io.stderr.join('')).toContain('missing.jsonl: no such file');
    const usage = capture(dir);
    expect(await main(['audit', 'check'], usage, [auditCommands])).toBe(2);
    expect(usage.stderr.join('')).toContain('Usage: hub audit verify [file]');
  });
});
