import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidSchedulesError } from './schedule.errors.js';
import { loadSchedules } from './schedule-loader.js';

describe(loadSchedules.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-schedules-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string) => writeFile(join(dir, name), text);

  it('loads valid files, several documents per file, with defaults', async () => {
    await write(
      'ops.yaml',
      [
        'apiVersion: hub/v1',
        'kind: Schedule',
        'metadata: { name: nightly }',
        'spec: { cron: "0 2 * * *", timezone: Europe/Berlin, payload: { retain: 7 } }',
        '---',
        'apiVersion: hub/v1',
        'kind: Schedule',
        'metadata: { name: heartbeat }',
        'spec: { interval: 30s, catchUp: { policy: last } }',
      ].join('\n'),
    );
    const schedules = await loadSchedules(dir);
    expect(schedules.map((s) => [s.name, s.describe, s.catchUp.policy])).toEqual([
      ['nightly', 'cron 0 2 * * * (Europe/Berlin)', 'skip'],
      ['heartbeat', 'every 30s', 'last'],
    ]);
    expect(schedules[0]?.payload).toEqual({ retain: 7 });
  });

  it('lists every problem of every file with file, line and path, in one error', async () => {
    await write(
      'a.yaml',
      [
        'apiVersion: hub/v1',
        'kind: Schedule',
        'metadata: { name: Bad_Name }',
        'spec:',
        '  cron: "61 * * * *"',
        '  timezone: Mars/Olympus',
        '  exclusionDates: [2026-02-30]',
        '  jitter: soon',
        '  catchUp: { policy: sometimes }',
        '  colour: blue',
      ].join('\n'),
    );
    await write('b.yaml', 'apiVersion: hub/v1\nkind: Schedule\nmetadata: { name: both }\nspec: { cron: "* * * *" }\n');
    await write('c.yaml', 'apiVersion: hub/v1\nkind: Schedule\nmetadata: { name: neither }\nspec: {}\n');
    await write('d.yaml', 'apiVersion: hub/v1\nkind: Schedule\nmetadata: { name: twice }\nspec: { interval: 1h }\n');
    await write('f.yaml', 'apiVersion: hub/v1\nkind: Schedule\nmetadata: { name: twice }\nspec: { interval: 2h }\n');
    await write('e.yaml', 'spec: [unclosed\n');
    const error = await loadSchedules(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSchedulesError);
    const message = (error as Error).message;
    const lines = message.split('\n').slice(1);
    for (const expected of [
      /a\.yaml:3 metadata\.name: must be a DNS label/,
      /a\.yaml:5 spec\.cron: "61 \* \* \* \*" is not a cron expression/,
      /a\.yaml:6 spec\.timezone: must be a named IANA time zone/,
      /a\.yaml:7 spec\.exclusionDates\.0: must be a calendar date YYYY-MM-DD/,
      /a\.yaml:8 spec\.jitter: "soon" is not a duration/,
      /a\.yaml:9 spec\.catchUp\.policy: /,
      /a\.yaml:10 spec\.colour: is not a field here/,
      /b\.yaml:4 spec\.cron: "\* \* \* \*" has 4 fields; use 5/,
      /c\.yaml:4 spec: needs exactly one of cron or interval/,
      /f\.yaml metadata\.name: schedule "twice" is already defined in .*d\.yaml/,
      /e\.yaml:\d+ \(yaml\): /,
    ]) {
      expect(
        lines.some((line) => expected.test(line)),
        `${String(expected)} in\n${message}`,
      ).toBe(true);
    }
    expect(message).toMatch(/^Invalid schedules in .* \(11 problems\):/);
  });

  it('says so when the directory is missing', async () => {
    await expect(loadSchedules(join(dir, 'nope'))).rejects.toThrow(/is not a directory/);
  });
});
