import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDatabase, migrateToLatest } from '@hub/database';
import { createTestSchema, type TestSchema } from '@hub/testing';
import { main } from '../cli.js';
import { type CommandIo } from '../command.js';

const repoConfig = resolve(import.meta.dirname, '../../../../config');

function capture(env: NodeJS.ProcessEnv = {}): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env, cwd: process.cwd() };
}

describe('hub schedules list', () => {
  let schema: TestSchema;

  beforeAll(async () => {
    schema = await createTestSchema();
  });

  afterAll(async () => {
    await schema?.drop();
  });

  it('lists the shipped schedules with next fire times in their zone and in UTC, across the DST change', async () => {
    const io = capture();
    const code = await main(
      ['schedules', 'list', '--config', repoConfig, '--at', '2026-03-27T12:00:00Z', '--count', '3'],
      io,
    );
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('nightly-backup  cron 0 2 * * * (Europe/Berlin)  catch-up last');
    expect(text).toContain('  next  2026-03-28T02:00:00+01:00  (2026-03-28T01:00:00.000Z)');
    // 02:00 does not exist on 29 March in Berlin: shifted by the gap.
    expect(text).toContain('  next  2026-03-29T03:00:00+02:00  (2026-03-29T01:00:00.000Z)');
    expect(text).toContain('  next  2026-03-30T06:00:00+02:00  (2026-03-30T04:00:00.000Z)');
    for (const name of ['certificate-check', 'nightly-backup', 'preview-cleanup', 'team-cost-report']) {
      expect(text).toContain(`\n${name}  `);
    }
    expect(text).toContain('last fired: unknown (set DATABASE_URL to read it from the database)');
  });

  it('adds the last fired slot when DATABASE_URL reaches the scheduler database', async () => {
    const { db } = createDatabase(schema.url, 1);
    await migrateToLatest(db);
    await db
      .insertInto('schedule_slots')
      .values({
        schedule: 'nightly-backup',
        slot: new Date('2026-03-26T01:00:00Z'),
        event_id: 'e1',
        event: '{}',
        claimed_by: 'test',
        published_at: new Date('2026-03-26T01:00:01Z'),
      })
      .execute();
    await db.destroy();
    const io = capture({ DATABASE_URL: schema.url });
    expect(await main(['schedules', 'list', '--config', repoConfig, '--count', '1'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain(
      'last fired: 2026-03-26T02:00:00+01:00  (2026-03-26T01:00:00.000Z; published 2026-03-26T01:00:01.000Z)',
    );
    expect(text).toContain('last fired: never');
  });

  it('fails with every problem of a bad schedule file (exit 1), and on bad usage (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-cli-schedules-'));
    try {
      await mkdir(join(dir, 'schedules'));
      await writeFile(
        join(dir, 'schedules', 'bad.yaml'),
        'apiVersion: hub/v1\nkind: Schedule\nmetadata: { name: x }\nspec: { cron: "0 2 * *", timezone: Nowhere }\n',
      );
      const io = capture();
      expect(await main(['schedules', 'list', '--config', dir], io)).toBe(1);
      const text = io.stderr.join('\n');
      expect(text).toContain('(2 problems)');
      expect(text).toContain('bad.yaml:4 spec.cron: "0 2 * *" has 4 fields');
      expect(text).toContain('bad.yaml:4 spec.timezone: must be a named IANA time zone');
      expect(await main(['schedules', 'list', '--count', 'many'], capture())).toBe(2);
      expect(await main(['schedules', 'show'], capture())).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
