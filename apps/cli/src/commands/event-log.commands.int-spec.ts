import { readFile } from 'node:fs/promises';
import { type HubEvent } from '@hub/contracts';
import { createDatabase, migrateToLatest, recordEvent } from '@hub/database';
import { createTestSchema, type TestSchema } from '@hub/testing';
import { main } from '../cli.js';
import { type CommandIo } from '../command.js';
import { eventsCommand, replayCommand } from './event-log.commands.js';

const root = new URL('../../../../', import.meta.url).pathname;

describe('hub events / hub replay', () => {
  let schema: TestSchema;
  let io: CommandIo & { stdout: string[]; stderr: string[] };

  beforeAll(async () => {
    schema = await createTestSchema();
    const { db } = createDatabase(schema.url);
    await migrateToLatest(db);
    const lines = await readFile(`${root}examples/events/repeated-deploy-failures.jsonl`, 'utf8');
    for (const line of lines.trim().split('\n')) await recordEvent(db, JSON.parse(line) as HubEvent);
    await db.destroy();
  });

  beforeEach(() => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    io = {
      stdout,
      stderr,
      out: (t) => stdout.push(t),
      err: (t) => stderr.push(t),
      env: { DATABASE_URL: schema.url },
      cwd: root,
    };
  });

  afterAll(async () => {
    await schema?.drop();
  });

  it('lists recorded events by type and key, oldest first', async () => {
    expect(await main(['events', '--type', 'deployment.completed'], io, [eventsCommand])).toBe(0);
    expect(io.stdout.map((l) => (JSON.parse(l) as HubEvent).id)).toEqual(['example-s9-8']);
    io.stdout.length = 0;
    expect(await main(['events', '--key', 'search', '--since', '2026-11-23T00:00:00Z'], io, [eventsCommand])).toBe(0);
    expect(io.stdout).toHaveLength(1);
  });

  it('replays what would have fired, acting on nothing', async () => {
    const args = [
      'replay',
      '--since',
      '2026-11-23T00:00:00Z',
      '--sensor',
      'config/sensors/repeated-deploy-failures.yaml',
    ];
    expect(await main(args, io, [replayCommand])).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toContain('FIRES repeated-deploy-failures: opens incident deploy-failures/production/checkout');
    expect(out).toContain('9 recorded event(s) replayed, 2 firing(s) would have happened');
  });

  it('wants --since and a readable time', async () => {
    expect(await main(['replay'], io, [replayCommand])).toBe(2);
    expect(await main(['events', '--since', 'last tuesday'], io, [eventsCommand])).toBe(2);
    expect(io.stderr.join('\n')).toContain("required option '--since <when>' not specified");
    expect(io.stderr.join('\n')).toContain("'last tuesday' is invalid. not an ISO time or a duration back");
  });
});
