import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from '@hub/contracts';
import { type HubEvent } from '@hub/contracts';
import { AuditLogSink, readRecords, verifyAuditLog } from './audit-log.sink.js';

const append = (sink: AuditLogSink, event: HubEvent, traceId?: string) =>
  sink.deliver([{ event, ...(traceId ? { traceId } : {}) }]);

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
    await append(sut, event(1), 'a'.repeat(32));
    await append(sut, event(2));
    await sut.close();

    const reopened = new AuditLogSink(path);
    await reopened.open();
    await append(reopened, event(3));
    await reopened.close();

    const records = await readRecords(path);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records[0]?.traceId).toBe('a'.repeat(32));
    expect(records[2]?.prevHash).toBe(records[1]?.hash);
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 3 });
  });

  it('writes a redelivered event once, within a batch and across a restart', async () => {
    const sut = new AuditLogSink(path);
    await sut.open();
    const first = event(1);
    await append(sut, first);
    await append(sut, first);
    const second = event(2);
    await sut.deliver([{ event: second }, { event: second }]);
    await sut.close();
    const reopened = new AuditLogSink(path);
    await reopened.open();
    await append(reopened, first);
    await reopened.close();
    expect((await readRecords(path)).map((r) => r.eventId)).toEqual([first.id, second.id]);
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 2 });
  });

  it('keeps order under concurrent appends', async () => {
    const sut = new AuditLogSink(path);
    await sut.open();
    await Promise.all(Array.from({ length: 50 }, (_, n) => append(sut, event(n))));
    await sut.close();
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 50 });
  });

  it('detects an edited, a removed and a reordered line, and names the line', async () => {
    const sut = new AuditLogSink(path);
    await sut.open();
    for (let n = 1; n <= 4; n++) await append(sut, event(n));
    await sut.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');

    await writeFile(path, [lines[0], lines[1]!.replace('"n":2', '"n":20'), lines[2], lines[3]].join('\n') + '\n');
    expect(await verifyAuditLog(path)).toMatchObject({
      ok: false,
      brokenAt: 2,
      problem: 'its content does not match its hash (the record was edited)',
    });

    await writeFile(path, [lines[0], lines[2], lines[3]].join('\n') + '\n');
    expect(await verifyAuditLog(path)).toMatchObject({
      ok: false,
      brokenAt: 2,
      problem: 'seq 3 where 2 was expected: a record before it was removed',
    });

    await writeFile(path, [lines[0], lines[1], lines[3], lines[2]].join('\n') + '\n');
    expect(await verifyAuditLog(path)).toMatchObject({ ok: false, brokenAt: 3 });
  });
});
