import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from '@hub/contracts';
import { type HubEvent } from '@hub/contracts';
import { type AuditCheckpoint, AuditKeyRequiredError, chainHash } from './audit-chain.js';
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
    expect(await verifyAuditLog(path)).toMatchObject({ ok: true, records: 3 });
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
    expect(await verifyAuditLog(path)).toMatchObject({ ok: true, records: 2 });
  });

  it('keeps order under concurrent appends', async () => {
    const sut = new AuditLogSink(path);
    await sut.open();
    await Promise.all(Array.from({ length: 50 }, (_, n) => append(sut, event(n))));
    await sut.close();
    expect(await verifyAuditLog(path)).toMatchObject({ ok: true, records: 50 });
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

  const KEY = 'k'.repeat(16) + 'e'.repeat(16) + 'y'.repeat(8);
  const lines = async (file = path) => (await readFile(file, 'utf8')).trim().split('\n');

  it('keys the chain: it verifies only with the key, and a chain rewritten without it fails', async () => {
    const sut = new AuditLogSink(path, { key: KEY });
    await sut.open();
    for (let n = 1; n <= 3; n++) await append(sut, event(n));
    await sut.close();
    expect((await readRecords(path)).every((r) => r.mac === 'hmac-sha256')).toBe(true);
    expect(await verifyAuditLog(path, { key: KEY })).toMatchObject({ ok: true, records: 3 });
    await expect(verifyAuditLog(path)).rejects.toThrow(AuditKeyRequiredError);
    expect(await verifyAuditLog(path, { key: `${KEY}x` })).toMatchObject({ ok: false, brokenAt: 1 });

    // Whoever can write the file but lacks the key rewrites the whole chain, consistently, unkeyed.
    let prevHash = '0'.repeat(64);
    const forged = (await readRecords(path)).map((record) => {
      const { hash: _hash, mac: _mac, ...rest } = record;
      const unsigned = { ...rest, source: '/forged', prevHash };
      prevHash = chainHash(unsigned);
      return JSON.stringify({ ...unsigned, hash: prevHash });
    });
    await writeFile(path, `${forged.join('\n')}\n`);
    expect(await verifyAuditLog(path)).toMatchObject({ ok: true }); // a plain chain cannot tell
    expect(await verifyAuditLog(path, { key: KEY })).toMatchObject({
      ok: false,
      brokenAt: 1,
      problem: expect.stringContaining('not keyed'),
    });
  });

  it('sends checkpoints of the head, and a checkpoint shows a tail cut from the log', async () => {
    const checkpoints: AuditCheckpoint[] = [];
    const sut = new AuditLogSink(path, { key: KEY, checkpointRecords: 3, onCheckpoint: (c) => checkpoints.push(c) });
    await sut.open();
    for (let n = 1; n <= 7; n++) await append(sut, event(n));
    await sut.close();
    const records = await readRecords(path);
    expect(checkpoints.map((c) => [c.seq, c.hash, c.file])).toEqual([
      [3, records[2]!.hash, 'audit.jsonl'],
      [6, records[5]!.hash, 'audit.jsonl'],
    ]);

    const latest = checkpoints.at(-1)!;
    expect(await verifyAuditLog(path, { key: KEY, checkpoint: latest })).toMatchObject({ ok: true, records: 7 });
    // Cut the last three lines: the keyed chain that is left is valid, but it no longer holds seq 6.
    await writeFile(path, `${(await lines()).slice(0, 4).join('\n')}\n`);
    expect(await verifyAuditLog(path, { key: KEY })).toMatchObject({ ok: true, records: 4 });
    expect(await verifyAuditLog(path, { key: KEY, checkpoint: latest })).toMatchObject({
      ok: false,
      problem: 'the log ends at seq 4 but the checkpoint names seq 6: records were cut from its end',
    });
  });

  it('takes a checkpoint of the head found at start-up, for the listener that comes later', async () => {
    const first = new AuditLogSink(path);
    await first.open();
    await append(first, event(1));
    await first.close();
    const reopened = new AuditLogSink(path);
    await reopened.open();
    const seen: AuditCheckpoint[] = [];
    reopened.onCheckpoint = (c) => seen.push(c);
    expect(seen).toMatchObject([{ seq: 1, file: 'audit.jsonl' }]);
    await reopened.close();
  });

  it('rotates by size and by UTC day, and the chain runs on across the files', async () => {
    let now = new Date('2026-12-01T23:59:58.000Z');
    const checkpoints: AuditCheckpoint[] = [];
    const sut = new AuditLogSink(path, {
      key: KEY,
      rotateBytes: 2_000,
      rotateDaily: true,
      onCheckpoint: (c) => checkpoints.push(c),
      now: () => now,
    });
    await sut.open();
    for (let n = 1; n <= 6; n++) await append(sut, event(n)); // ~500 bytes a record: 2 size rotations
    now = new Date('2026-12-02T00:00:01.000Z');
    await append(sut, event(7)); // a new day: the current file is rotated first
    await sut.close();

    const dir = join(path, '..');
    const files = (await readdir(dir)).sort();
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.at(-1)).toBe('audit.jsonl');
    expect(files.slice(0, -1).every((f) => /^audit-\d{12}\.jsonl$/.test(f))).toBe(true);
    expect((await readRecords(path)).map((r) => r.seq)).toEqual([7]);
    expect(checkpoints.map((c) => c.file)).toEqual(files.slice(0, -1));

    expect(await verifyAuditLog(dir, { key: KEY })).toMatchObject({ ok: true, records: 7, head: { seq: 7 } });
    // One file alone verifies from its own first record on.
    expect(await verifyAuditLog(path, { key: KEY })).toMatchObject({ ok: true, records: 1 });
    expect(await verifyAuditLog(join(dir, files[1]!), { key: KEY })).toMatchObject({ ok: true });
    // A rotated file removed from the middle breaks the chain at the next file's first line.
    await rm(join(dir, files[1]!));
    expect(await verifyAuditLog(dir, { key: KEY })).toMatchObject({
      ok: false,
      file: join(dir, files[2]!),
      brokenAt: 1,
      problem: expect.stringContaining('was removed'),
    });
  });

  it('keys a log written without a key from a new file on, continuing its chain', async () => {
    const plain = new AuditLogSink(path);
    await plain.open();
    await append(plain, event(1));
    await plain.close();
    const keyed = new AuditLogSink(path, { key: KEY });
    await keyed.open();
    await append(keyed, event(2));
    await keyed.close();
    const [rotated] = (await readdir(join(path, '..'))).filter((f) => f !== 'audit.jsonl');
    expect(rotated).toBe('audit-000000000001.jsonl');
    const [record] = await readRecords(path);
    expect(record).toMatchObject({
      seq: 2,
      mac: 'hmac-sha256',
      prevHash: (await readRecords(join(path, '..', rotated!)))[0]!.hash,
    });
    // The keyed file verifies with the key, the older one without; the whole log only without it.
    expect(await verifyAuditLog(path, { key: KEY })).toMatchObject({ ok: true, records: 1 });
    expect(await verifyAuditLog(join(path, '..', rotated!))).toMatchObject({ ok: true, records: 1 });
    expect(await verifyAuditLog(join(path, '..'), { key: KEY })).toMatchObject({
      ok: false,
      brokenAt: 1,
      problem: expect.stringContaining('not keyed'),
    });
  });
});
