import { createEvent } from '@hub/contracts';
import { parseSensorFile } from '../definitions/sensor-loader.js';
import { type EventMatches, SensorRegistry } from './sensor.registry.js';

const plans = (matches: EventMatches) => matches.steps.map((step) => step.plan);

const sensorYaml = (name: string, slo: string, extra = '') => `apiVersion: hub/v1
kind: Sensor
metadata: { name: ${name} }
spec:
  dependencies:
    - name: alert
      eventType: alert.firing
      filters:
        - { path: data.labels.slo, op: eq, value: ${slo} }
  incident:
    title: '{{ data.labels.alertname }} {{ data.labels.name }}'${extra}
  triggers:
    - name: sync
      action:
        kind: argocd.sync
        target: '{{ data.labels.name }}'
        params: { name: '{{ data.labels.name }}', namespace: '{{ data.labels.dest_namespace }}', prune: false }
`;

function registry(forceDryRun = false, ...texts: string[]): SensorRegistry {
  const loaded = texts.flatMap((text, i) => {
    const { sensors, problems } = parseSensorFile(`s${i}.yaml`, text);
    expect(problems).toEqual([]);
    return sensors;
  });
  return new SensorRegistry(loaded, { forceDryRun });
}

const alert = (
  status: 'firing' | 'resolved',
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
) =>
  createEvent({
    type: `alert.${status}`,
    source: '/test',
    subject: labels.alertname,
    incidentkey: 'fp-1',
    data: { status, fingerprint: 'fp-1', labels, annotations, startsAt: 'x', externalURL: 'http://am' },
  });

const labels = {
  alertname: 'Unhealthy',
  slo: 'a',
  name: 'payments-api',
  dest_namespace: 'payments',
  severity: 'critical',
};

describe(SensorRegistry.name, () => {
  it('plans an incident from a matching alert with the envelope incidentkey as default key', () => {
    const sut = registry(false, sensorYaml('one', 'a'), sensorYaml('two', 'b'));
    const matches = sut.match(alert('firing', labels, { runbook_url: 'http://rb' }));
    expect(matches.failures).toEqual([]);
    expect(plans(matches)).toEqual([
      expect.objectContaining({
        step: 'trigger',
        sensor: 'one',
        incident: expect.objectContaining({
          sensor: 'one',
          dependency: 'alert',
          key: 'fp-1',
          title: 'Unhealthy payments-api',
          summary: 'Unhealthy is firing',
          severity: 'critical',
          route: 'default',
          fields: { alertname: 'Unhealthy' },
          links: [
            { title: 'Alertmanager', url: 'http://am' },
            { title: 'Runbook', url: 'http://rb' },
          ],
          cooldownMs: 0,
          verifyAfterMs: 300_000,
          escalation: { route: 'oncall', severity: 'critical', steps: [] },
          action: {
            trigger: 'sync',
            kind: 'argocd.sync',
            target: 'payments-api',
            params: { name: 'payments-api', namespace: 'payments', prune: false },
            dryRun: false,
          },
        }),
      }),
    ]);
    expect(matches.misses).toEqual([
      {
        sensor: 'two',
        miss: { outcome: 'skipped', reason: 'filter failed on dependency alert: data.labels.slo eq "b"' },
      },
    ]);
  });

  it('resolves with the same filters on the resolveOn type, and lists the types to bind', () => {
    const sut = registry(false, sensorYaml('one', 'a'));
    const matches = sut.match(alert('resolved', labels));
    expect(matches.failures).toEqual([]);
    expect(plans(matches)).toEqual([expect.objectContaining({ step: 'resolve', sensor: 'one', key: 'fp-1' })]);
    expect(plans(sut.match(alert('resolved', { ...labels, slo: 'b' })))).toEqual([]);
    expect(sut.eventTypes()).toEqual(['alert.firing', 'alert.resolved']);
  });

  it('reports every missing value of a matching event at once, naming the sensor fields', () => {
    const sut = registry(false, sensorYaml('one', 'a'));
    const matches = sut.match(alert('firing', { slo: 'a', alertname: 'X' }));
    const { failures } = matches;
    expect(plans(matches)).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.problems.map((p) => p.field)).toEqual([
      'spec.incident.title',
      'spec.triggers.0.action.target',
      'spec.triggers.0.action.params',
    ]);
    expect(failures[0]?.message).toContain('data.labels.name is missing');
  });

  it('refuses a present but empty target, which the executor would only park', () => {
    const sut = registry(false, sensorYaml('one', 'a'));
    const matches = sut.match(alert('firing', { slo: 'a', alertname: 'X', name: ' ', dest_namespace: 'd' }));
    const { failures } = matches;
    expect(plans(matches)).toEqual([]);
    expect(failures[0]?.problems).toEqual([{ field: 'spec.triggers.0.action.target', message: 'is empty' }]);
  });

  it('forces dry runs, and takes severity and text from the sensor when it sets them', () => {
    const extra = "\n    severity: info\n    text: 'check {{ data.labels.name }}'";
    const sut = registry(true, sensorYaml('one', 'a', extra));
    const [plan] = plans(sut.match(alert('firing', labels)));
    expect(plan).toMatchObject({
      incident: { severity: 'info', summary: 'check payments-api', action: { dryRun: true } },
    });
  });

  it('hands events of a correlation condition over for their key instead of triggering; an empty key is a failure', () => {
    const correlated = sensorYaml('pair', 'a').replace(
      '  incident:',
      `    - { name: other, eventType: alert.firing, filters: [{ path: data.labels.slo, op: eq, value: b }] }
  condition:
    all: { of: [alert, other], within: 1m, correlate: '{{ data.labels.app }}' }
  incident:`,
    );
    const sut = registry(false, correlated);
    const matches = sut.match(alert('firing', { ...labels, app: 'orders' }));
    expect(matches.failures).toEqual([]);
    expect(plans(matches)).toEqual([
      expect.objectContaining({
        step: 'correlate',
        key: 'orders',
        dependency: expect.objectContaining({ name: 'alert' }),
      }),
    ]);
    const empty = sut.match(alert('firing', { ...labels, app: ' ' }));
    expect(plans(empty)).toEqual([]);
    expect(empty.failures[0]?.problems).toEqual([{ field: 'spec.condition.all.correlate', message: 'is empty' }]);
  });
});
