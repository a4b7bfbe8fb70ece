import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli.js';
import { type CommandIo } from '../command.js';
import { sensorsCommand } from './sensors.command.js';

const root = new URL('../../../../', import.meta.url).pathname;

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, cwd: root };
}

describe('hub sensors', () => {
  it('validates the shipped sensors', async () => {
    const io = capture();
    expect(await main(['sensors', 'validate', 'config/sensors'], io, [sensorsCommand])).toBe(0);
    expect(io.stdout.join('\n')).toContain('slo-remediation');
  });

  it('names file, line and path of every problem, exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-cli-sensors-'));
    await writeFile(
      join(dir, 'bad.yaml'),
      `apiVersion: hub/v1
kind: Sensor
metadata: { name: bad }
spec:
  dependencies:
    - name: a
      eventType: alert.firing
      filters: [{ expr: 'data.labels.x ==' }]
  incident: { title: x, team: nobody }
`,
    );
    const io = capture();
    expect(await main(['sensors', 'validate', dir, '--config', join(root, 'config')], io, [sensorsCommand])).toBe(1);
    expect(io.stderr.join('\n')).toMatch(
      /bad\.yaml:8 spec\.dependencies\.0\.filters\.0\.expr: CEL "data\.labels\.x ==" does not parse/,
    );
  });

  it('dry-runs every shipped sensor against its example events: something fires, and misses say why', async () => {
    const sensors = (await readdir(join(root, 'config/sensors'))).filter((f) => f.endsWith('.yaml'));
    expect(sensors.length).toBeGreaterThan(0);
    for (const file of sensors) {
      const name = file.replace(/\.yaml$/, '');
      const io = capture();
      const code = await main(['sensors', 'test', `config/sensors/${file}`, `examples/events/${name}.jsonl`], io, [
        sensorsCommand,
      ]);
      expect({ name, code, stderr: io.stderr }).toEqual({ name, code: 0, stderr: [] });
      // Only this file is loaded; a file may hold several sensors with other names (deployment-notify).
      expect(io.stdout.join('\n')).toMatch(/^ {2}FIRES [a-z0-9-]+:/m);
    }
  });

  it('shows the parameters of what fires and why the rest did not (S9)', async () => {
    const io = capture();
    await main(
      [
        'sensors',
        'test',
        'config/sensors/repeated-deploy-failures.yaml',
        'examples/events/repeated-deploy-failures.jsonl',
      ],
      io,
      [sensorsCommand],
    );
    const out = io.stdout.join('\n');
    expect(out).toContain('aggregating: 2 of 3 within 5m for deploy-failures/production/checkout');
    expect(out).toContain('duplicate of an event within 1m');
    expect(out).toContain('FIRES repeated-deploy-failures: opens incident deploy-failures/production/checkout');
    expect(out).toContain('to team payments');
    expect(out).toContain('filter failed on dependency failed: data.environment in ["production","staging"]');
    const s1 = capture();
    await main(
      ['sensors', 'test', 'config/sensors/slo-remediation.yaml', 'examples/events/slo-remediation.jsonl'],
      s1,
      [sensorsCommand],
    );
    expect(s1.stdout.join('\n')).toContain(
      '→ action argocd.sync payments-api {"name":"payments-api","namespace":"payments"} (dry run)',
    );
  });

  it("says what a remediation's onSuccess would do, since action results are not simulated (S7)", async () => {
    const io = capture();
    const code = await main(
      ['sensors', 'test', 'config/sensors/team-cost-report.yaml', 'examples/events/team-cost-report.jsonl'],
      io,
      [sensorsCommand],
    );
    expect(code).toBe(0);
    expect(io.stdout.join('\n')).toContain(
      '→ when quota.team-report succeeds: team messages "{{ incident.title }}: {{ key }}" per entry of details.teams, then resolve the incident (action results are not simulated)',
    );
  });

  it('simulates correlation conditions and says what a condition still waits for', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-cli-correlation-'));
    const sensor = (kind: string) => `apiVersion: hub/v1
kind: Sensor
metadata: { name: failed-then-fixed-${kind} }
spec:
  dependencies:
    - { name: deploy-failed, eventType: deployment.failed }
    - { name: deploy-finished, eventType: deployment.completed }
  condition:
    ${kind}: { of: [deploy-failed, deploy-finished], within: 10m, correlate: '{{ data.app }}' }
  incident:
    key: 'fixed-${kind}/{{ data.app }}'
    title: '{{ data.app }} failed, then deployed'
    resolveOn: service.recovered
`;
    await writeFile(join(dir, 'sensors.yaml'), `${sensor('all')}---\n${sensor('sequence')}`);
    const event = (id: string, type: string, app: string, time: string) =>
      JSON.stringify({
        specversion: '1.0',
        id,
        source: '/argocd',
        type,
        time: `2026-11-23T11:${time}Z`,
        subject: app,
        data: { app, environment: 'production', version: 'v1', team: 'payments' },
      });
    await writeFile(
      join(dir, 'events.jsonl'),
      [
        event('e1', 'deployment.failed', 'x', '00:00'),
        event('e2', 'deployment.completed', 'x', '05:00'),
        event('e3', 'deployment.completed', 'y', '06:00'),
        event('e4', 'deployment.failed', 'y', '07:00'),
      ].join('\n'),
    );
    const io = capture();
    expect(
      await main(['sensors', 'test', join(dir, 'sensors.yaml'), join(dir, 'events.jsonl')], io, [sensorsCommand]),
    ).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toContain(
      'held  failed-then-fixed-all: all: deploy-failed seen for app=x; waiting for deploy-finished, 1 of 2 seen within 10m',
    );
    expect(out).toContain('FIRES failed-then-fixed-all: opens incident fixed-all/x');
    expect(out).toContain('FIRES failed-then-fixed-sequence: opens incident fixed-sequence/x');
    // y: finished before failed — all fires, sequence does not.
    expect(out).toContain('FIRES failed-then-fixed-all: opens incident fixed-all/y');
    expect(out).toContain(
      'held  failed-then-fixed-sequence: sequence: deploy-finished seen for app=y; deploy-finished without an earlier deploy-failed within 10m does not count; waiting for deploy-failed, 0 of 2 seen within 10m',
    );
    expect(out).not.toContain('FIRES failed-then-fixed-sequence: opens incident fixed-sequence/y');
  });

  it('refuses an events file with a bad line, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-cli-events-'));
    await writeFile(join(dir, 'e.jsonl'), '{"specversion":"1.0"}\nnot json\n');
    const io = capture();
    expect(
      await main(['sensors', 'test', 'config/sensors/slo-remediation.yaml', join(dir, 'e.jsonl')], io, [
        sensorsCommand,
      ]),
    ).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/line 1: not a CloudEvent[\s\S]*line 2: not JSON/);
  });
});
