import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidSensorsError, type SensorProblem } from './sensor.errors.js';
import { loadSensors, parseSensorFile } from './sensor-loader.js';

const shipped = new URL('../../../../config/sensors', import.meta.url).pathname;

const valid = `apiVersion: hub/v1
kind: Sensor
metadata: { name: demo }
spec:
  dependencies:
    - name: alert
      eventType: alert.firing
      filters:
        - { path: data.labels.slo, op: eq, value: demo }
  incident:
    title: '{{ data.labels.alertname }}'
  triggers:
    - name: sync
      action: { kind: argocd.sync, target: '{{ data.labels.name }}' }
`;

/** The problems `parseSensorFile` finds, as `line path: message`. */
function problemsOf(text: string): SensorProblem[] {
  return parseSensorFile('sensors/x.yaml', text).problems;
}

describe(loadSensors.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-sensors-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the shipped sensors with their defaults and compiled templates', async () => {
    const loaded = await loadSensors(shipped);
    expect(loaded.map((l) => l.sensor.metadata.name)).toEqual(
      expect.arrayContaining(['externalsecret-refresh', 'repeated-deploy-failures', 'slo-remediation']),
    );
    const s1 = loaded.find((l) => l.sensor.metadata.name === 'slo-remediation')!.sensor;
    expect(s1.spec.incident).toMatchObject({
      cooldown: 600_000,
      verifyAfter: 300_000,
      actionTimeout: 900_000,
      resolveOn: 'alert.resolved',
    });
    expect(s1.spec.escalation).toMatchObject({ route: 'oncall', severity: 'critical', steps: [] });
    expect(s1.spec.escalation.diagnostics).toMatchObject({ logLines: 50, logBytes: 8192, maxPods: 3 });
    expect(s1.spec.escalation.diagnostics?.pods.source).toBe('app.kubernetes.io/instance={{ data.labels.name }}');
    expect(s1.spec.triggers[0]?.action.target.source).toBe('{{ data.labels.name }}');
  });

  it('stops at one bad file and names every problem of every file', async () => {
    await writeFile(join(dir, 'a-good.yaml'), valid);
    await writeFile(join(dir, 'b-bad.yaml'), valid.replace('kind: argocd.sync', 'kind: Argo CD!'));
    await writeFile(join(dir, 'c-broken.yml'), 'apiVersion: hub/v1\nkind: [unclosed\n');
    await writeFile(join(dir, 'ignored.txt'), 'not a sensor');
    const error = await loadSensors(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSensorsError);
    const problems = (error as InvalidSensorsError).problems;
    expect(problems).toEqual([
      expect.objectContaining({ file: join(dir, 'b-bad.yaml'), line: 14, path: 'spec.triggers.0.action.kind' }),
      expect.objectContaining({ file: join(dir, 'c-broken.yml'), path: '(yaml)', line: expect.any(Number) }),
    ]);
    expect((error as Error).message).toContain(`${join(dir, 'b-bad.yaml')}:14 spec.triggers.0.action.kind: must look`);
  });

  it('rejects a sensor name defined twice, naming both files', async () => {
    await writeFile(join(dir, 'one.yaml'), valid);
    await writeFile(join(dir, 'two.yaml'), valid);
    const error = (await loadSensors(dir).catch((e: unknown) => e)) as InvalidSensorsError;
    expect(error.problems).toEqual([
      {
        file: join(dir, 'two.yaml'),
        path: 'metadata.name',
        message: `sensor "demo" is already defined in ${join(dir, 'one.yaml')}`,
      },
    ]);
  });

  it('refuses a directory that does not exist', async () => {
    await expect(loadSensors(join(dir, 'nope'))).rejects.toThrow('is not a directory');
  });
});

describe(parseSensorFile.name, () => {
  it.each([
    ['apiVersion: hub/v1', 'apiVersion: hub/v2', 'apiVersion', 'must be hub/v1'],
    ['name: demo }', 'name: Demo_1 }', 'metadata.name', 'must be lower-case'],
    ['eventType: alert.firing', 'eventType: alert.burning', 'spec.dependencies.0.eventType', 'not an event type'],
    ['eventType: alert.firing', 'eventType: action.failed', 'spec.dependencies.0.eventType', 'feedback loop'],
    ['op: eq', 'op: like', 'spec.dependencies.0.filters.0.op', 'op must be one of eq, neq, regex, exists'],
    ['path: data.labels.slo', 'path: labels.slo', 'spec.dependencies.0.filters.0.path', 'must start with one of'],
    ["title: '{{ data.labels.alertname }}'", "title: '{{ data.labels.alertname'", 'spec.incident.title', 'unmatched'],
    ["target: '{{ data.labels.name }}'", "target: '{{ lab }}'", 'spec.triggers.0.action.target', 'must start with'],
    ['title:', 'cooldown: soon\n    title:', 'spec.incident.cooldown', 'is not a duration'],
  ])('reports %s → %s at %s', (from, to, path, message) => {
    expect(problemsOf(valid.replace(from, to))).toEqual([
      expect.objectContaining({ path, message: expect.stringContaining(message) }),
    ]);
  });

  it('reports a bad regular expression and a bad template inside params, with their lines', () => {
    const text = valid
      .replace('op: eq, value: demo', "op: regex, value: '(demo'")
      .replace("target: '{{ data.labels.name }}' }", "target: x, params: { deep: { list: ['{{ nope }}'] } } }");
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        line: 9,
        path: 'spec.dependencies.0.filters.0.value',
        message: expect.stringContaining('not a valid regular'),
      }),
      expect.objectContaining({ line: 14, path: 'spec.triggers.0.action.params.deep.list.0' }),
    ]);
  });

  it('reports an unknown field at its own path (a typo is not silently ignored)', () => {
    expect(problemsOf(valid.replace('title:', 'titel:'))).toEqual([
      expect.objectContaining({ line: 11, path: 'spec.incident.title', message: 'is required' }),
      expect.objectContaining({ line: 11, path: 'spec.incident.titel', message: 'is not a field here' }),
    ]);
  });

  it('checks onSuccess at load time: templates over the result, only on the remediation', () => {
    const withOnSuccess = (onSuccess: string, extra = '') =>
      valid.replace(
        "      action: { kind: argocd.sync, target: '{{ data.labels.name }}' }\n",
        `      action: { kind: argocd.sync, target: '{{ data.labels.name }}' }\n${extra}      onSuccess: ${onSuccess}\n`,
      );
    expect(
      problemsOf(
        withOnSuccess(
          "{ resolve: true, notify: { forEach: details.teams, team: '{{ key }}', text: '{{ value.text }}' } }",
        ),
      ),
    ).toEqual([
      expect.objectContaining({ line: 15, path: 'spec.triggers.0.onSuccess.notify.title', message: 'is required' }),
    ]);
    expect(
      problemsOf(withOnSuccess("{ notify: { forEach: data.teams, title: '{{ data.labels.name }}', colour: red } }")),
    ).toEqual([
      expect.objectContaining({
        path: 'spec.triggers.0.onSuccess.notify.forEach',
        message: expect.stringContaining('must start with one of details, kind, target'),
      }),
      expect.objectContaining({
        path: 'spec.triggers.0.onSuccess.notify.title',
        message: expect.stringContaining('must start with one of details'),
      }),
      expect.objectContaining({ path: 'spec.triggers.0.onSuccess.notify.colour', message: 'is not a field here' }),
    ]);
    const second = `${valid}    - name: status\n      action: { kind: statuspage.update, target: x }\n      onSuccess: { resolve: true }\n`;
    expect(problemsOf(second)).toEqual([
      expect.objectContaining({
        line: 17,
        path: 'spec.triggers.1.onSuccess',
        message: 'only the remediation (the first `on: open` trigger) has a tracked result',
      }),
    ]);
    expect(
      problemsOf(withOnSuccess("{ resolve: true, notify: { forEach: details.teams, title: '{{ key }}' } }")),
    ).toEqual([]);
  });

  it('checks approval gates at load time: a positive timeout, deny|proceed, only on the remediation', () => {
    const gated = (approval: string) =>
      valid.replace(
        "      action: { kind: argocd.sync, target: '{{ data.labels.name }}' }\n",
        `      action: { kind: argocd.sync, target: '{{ data.labels.name }}' }\n      approval: ${approval}\n`,
      );
    expect(problemsOf(gated('{ approvers: payments }'))).toEqual([]);
    expect(problemsOf(gated('{ approvers: payments, timeout: soon, onTimeout: maybe }'))).toEqual([
      expect.objectContaining({
        path: 'spec.triggers.0.approval.timeout',
        message: '"soon" is not a positive duration (like 30m)',
      }),
      expect.objectContaining({ path: 'spec.triggers.0.approval.onTimeout' }),
    ]);
    const second = `${valid}    - name: status\n      action: { kind: statuspage.update, target: x }\n      approval: { approvers: payments }\n`;
    expect(problemsOf(second)).toEqual([
      expect.objectContaining({
        path: 'spec.triggers.1.approval',
        message: 'only the remediation (the first `on: open` trigger) can wait for an approval',
      }),
    ]);
  });

  it('hints at quoting when YAML read an unquoted template as a map', () => {
    expect(
      problemsOf(valid.replace("title: '{{ data.labels.alertname }}'", 'title: {{ data.labels.alertname }}')),
    ).toEqual([
      expect.objectContaining({
        line: 11,
        path: 'spec.incident.title',
        message: expect.stringContaining('quote a value'),
      }),
    ]);
  });

  it('reports a missing field at its parent line and says it is required', () => {
    expect(problemsOf(valid.replace("    title: '{{ data.labels.alertname }}'\n", '    cooldown: 1m\n'))).toEqual([
      { file: 'sensors/x.yaml', line: 11, path: 'spec.incident.title', message: 'is required' },
    ]);
  });

  it('reads several documents per file and numbers them in problems', () => {
    const second = valid.replace('name: demo', 'name: demo-2').replace('kind: Sensor', 'kind: Trigger');
    const result = parseSensorFile('x.yaml', `${valid}---\n${second}`);
    expect(result.sensors.map((s) => s.sensor.metadata.name)).toEqual(['demo']);
    expect(result.problems).toEqual([
      expect.objectContaining({ document: 2, path: 'kind', message: 'must be Sensor' }),
    ]);
  });

  it('refuses an empty file and trigger names used twice', () => {
    expect(problemsOf('')).toEqual([expect.objectContaining({ message: 'holds no sensor' })]);
    const twoTriggers = `${valid}    - name: sync\n      on: resolve\n      action: { kind: argocd.sync, target: x }\n`;
    expect(problemsOf(twoTriggers)).toEqual([
      expect.objectContaining({ path: 'spec.triggers.1.name', message: '"sync" is used twice' }),
    ]);
  });

  it('wants either incident or notify, and no triggers or ticket beside notify', () => {
    const notify = valid.replace(/ {2}incident:[\s\S]*$/, "  notify:\n    title: '{{ data.labels.name }}'\n");
    expect(problemsOf(notify)).toEqual([]);
    const both = `${notify}  incident:\n    title: x\n  ticket: { when: open }\n  triggers:\n    - name: t\n      action: { kind: a.b, target: x }\n`;
    expect(problemsOf(both).map((p) => p.path)).toEqual(['spec.notify', 'spec.triggers', 'spec.ticket']);
    const neither = valid.replace(/ {2}incident:[\s\S]*$/, '');
    expect(problemsOf(neither)).toEqual([expect.objectContaining({ path: 'spec.incident' })]);
  });

  it('rejects dependency names used twice', () => {
    const text = valid.replace('  incident:', '    - name: alert\n      eventType: alert.resolved\n  incident:');
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ path: 'spec.dependencies.1.name', message: '"alert" is used twice' }),
    ]);
  });
});
