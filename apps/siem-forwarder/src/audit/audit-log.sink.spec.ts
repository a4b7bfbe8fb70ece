import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from '@hub/contracts';
import { AuditLogSink, readRecords, verifyAuditLog } from './audit-log.sink.js';

describe(AuditLogSink.name, () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-audit-'));
    path = join(dir, 'audit', 'audit.jsonl');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const event = (n: number) => createEvent({ type: 'alert.firing', source: '/test', data: { n } });

  it('chains records and continues the chain after a restart', async () => {
    const sut = new AuditLogSink(path);
    await sut.open();
    await sut.append(event(1), 'a'.repeat(32));
    await sut.append(event(2));
    await sut.close();

    const reopened = new AuditLogSink(path);
    await reopened.open();
    const third = await reopened.append(event(3));
    await reopened.close();

    expect(third?.seq).toBe(3);
    const records = await readRecords(path);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records[0]?.traceId).toBe('a'.repeat(32));
    expect(records[2]?.prevHash).toBe(records[1]?.hash);
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 3 });
  });

  it('writes a redelivered event once, even across a restart', async () => {
    const sut = new AuditLogSink(path);
    await sut.open();
    const first = event(1);
    expect(await sut.append(first)).toBeDefined();
    expect(await sut.append(first)).toBeUndefined();
    await sut.close();
    const reopened = new AuditLogSink(path);
    await reopened.open();
    expect(await reopened.append(first)).toBeUndefined();
    await reopened.close();
    expect(await readRecords(path)).toHaveLength(1);
  });

  it('keeps order under concurrent appends', async () => {
    const sut = new AuditLogSink(path);
    await sut.open();
    await Promise.all(Array.from({ length: 50 }, (_, n) => sut.append(event(n))));
    await sut.close();
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 50 });
  });

  it('detects an edited line and a removed line', async () => {
    const sut = new AuditLogSink(path);
    await sut.open();
    for (let n = 1; n <= 4; n++) await sut.append(event(n));
    await sut.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');

    await writeFile(path, [lines[0], lines[1]!.replace('"n":2', '"n":20'), lines[2], lines[3]].join('\n') + '\n');
    expect(await verifyAuditLog(path)).toMatchObject({
      ok: false,
      brokenAt: 2,
      problem: 'its content does not match its hash',
    });

    await writeFile(path, [lines[0], lines[2], lines[3]].join('\n') + '\n');
    expect(await verifyAuditLog(path)).toMatchObject({ ok: false, brokenAt: 2 });
  });
});
