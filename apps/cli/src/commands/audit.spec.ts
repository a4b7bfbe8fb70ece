import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from '@hub/contracts';
import {
  type AuditCheckpoint,
  type AuditRecord,
  chainHash,
  GENESIS_HASH,
  verifyAuditLog,
} from '@hub/siem-forwarder/audit-chain';
import { AuditLogSink } from '@hub/siem-forwarder/audit-log';
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

  it('accepts an intact log (exit 0) and prints its head, to compare with the SIEM', async () => {
    const head = (JSON.parse(lines[3]!) as AuditRecord).hash;
    expect(await verify(lines)).toEqual({
      code: 0,
      out: `audit.jsonl: intact, 4 record(s) in an unbroken hash chain; head seq 4 ${head}`,
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
    expect(usage.stderr.join('')).toContain("unknown command 'check'");
    const help = capture(dir);
    expect(await main(['audit', 'verify', '--help'], help, [auditCommands])).toBe(0);
    expect(help.stdout.join('')).toContain('Usage: hub audit verify [options] [path]');
    const badCheckpoint = capture(dir);
    expect(await main(['audit', 'verify', '--checkpoint=12'], badCheckpoint, [auditCommands])).toBe(2);
    expect(badCheckpoint.stderr.join('')).toContain('must be SEQ:HASH');
  });
});

describe('hub audit verify on what the SIEM forwarder writes (keyed, rotated, checkpointed)', () => {
  const KEY = 'an-audit-key-of-at-least-32-characters';
  let dir: string;
  let checkpoints: AuditCheckpoint[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-audit-cli-'));
    checkpoints = [];
    const sink = new AuditLogSink(join(dir, 'data', 'audit', 'audit.jsonl'), {
      key: KEY,
      rotateBytes: 4_000,
      checkpointRecords: 10,
      onCheckpoint: (c) => checkpoints.push(c),
    });
    await sink.open();
    for (let n = 1; n <= 40; n++) {
      await sink.deliver([{ event: createEvent({ type: 'alert.firing', source: '/test', data: { n } }) }]);
    }
    await sink.close();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const io = { ...capture(dir), env: { HUB_DATA_DIR: 'data', ...env } };
    const code = await main(['audit', 'verify', ...args], io, [auditCommands]);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };

  it('verifies the whole audit directory by default, with the key from HUB_AUDIT_KEY or a file', async () => {
    expect((await readdir(join(dir, 'data', 'audit'))).length).toBeGreaterThan(2); // rotated
    const withEnv = await run([], { HUB_AUDIT_KEY: KEY });
    expect(withEnv).toMatchObject({
      code: 0,
      out: expect.stringContaining('intact, 40 record(s) in an unbroken keyed'),
    });
    await writeFile(join(dir, 'key'), `${KEY}\n`);
    expect(await run(['--key-file=key'])).toMatchObject({ code: 0 });
  });

  it('says a keyed log needs its key, and refuses a wrong one', async () => {
    expect(await run([])).toMatchObject({ code: 2, err: expect.stringContaining('the log is keyed (HMAC-SHA256)') });
    expect(await run([], { HUB_AUDIT_KEY: `${KEY}-wrong` })).toMatchObject({
      code: 1,
      err: expect.stringContaining('audit-000000000001.jsonl:1: chain broken at line 1'),
    });
  });

  it('holds the latest checkpoint, and names a tail cut after it', async () => {
    const latest = checkpoints.at(-1)!;
    expect(latest.seq).toBeGreaterThan(30);
    const checkpoint = `--checkpoint=${latest.seq}:${latest.hash}`;
    expect(await run([checkpoint], { HUB_AUDIT_KEY: KEY })).toMatchObject({
      code: 0,
      out: expect.stringContaining(`holding checkpoint seq ${latest.seq}`),
    });
    // Cut every record from the checkpoint's on, in whichever files they are.
    const auditDir = join(dir, 'data', 'audit');
    for (const file of await readdir(auditDir)) {
      const lines = (await readFile(join(auditDir, file), 'utf8')).trim().split('\n');
      const kept = lines.filter((line) => (JSON.parse(line) as AuditRecord).seq < latest.seq);
      if (kept.length === 0) await rm(join(auditDir, file));
      else await writeFile(join(auditDir, file), `${kept.join('\n')}\n`);
    }
    expect(await run([], { HUB_AUDIT_KEY: KEY })).toMatchObject({ code: 0 }); // the cut alone does not show
    expect(await run([checkpoint], { HUB_AUDIT_KEY: KEY })).toMatchObject({
      code: 1,
      err: expect.stringContaining(`the log ends at seq ${latest.seq - 1} but the checkpoint names seq ${latest.seq}`),
    });
  });

  it('reports progress while it works through a long log', async () => {
    const progress: string[] = [];
    const verdict = await verifyAuditLog(join(dir, 'data', 'audit'), {
      key: KEY,
      progressEveryMs: 0,
      onProgress: ({ records }) => progress.push(String(records)),
    });
    expect(verdict).toMatchObject({ ok: true, records: 40 });
    expect(progress).toHaveLength(40);
  });
});
