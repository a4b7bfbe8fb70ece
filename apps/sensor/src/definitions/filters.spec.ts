import { createEvent } from '@hub/contracts';
import { parseSensorFile } from './sensor-loader.js';

/** A sensor whose one dependency has `filters` (YAML flow text, one filter per line). */
function sensorWith(filters: string): string {
  return `apiVersion: hub/v1
kind: Sensor
metadata: { name: demo }
spec:
  dependencies:
    - name: alert
      eventType: alert.firing
      filters:
${filters
  .trim()
  .split('\n')
  .map((line) => `        - ${line.trim()}`)
  .join('\n')}
  incident:
    title: x
`;
}

function matcher(filters: string) {
  const { sensors, problems } = parseSensorFile('sensors/demo.yaml', sensorWith(filters));
  expect(problems).toEqual([]);
  const dependency = sensors[0]!.sensor.spec.dependencies[0]!;
  return (data: Record<string, unknown>, time = '2026-11-23T10:00:00Z') =>
    dependency.filters.every((f) => f.matches(createEvent({ type: 'alert.firing', source: '/t', time, data })));
}

function problems(filters: string) {
  return parseSensorFile('sensors/demo.yaml', sensorWith(filters)).problems.map((p) => `${p.path}: ${p.message}`);
}

describe('filters', () => {
  it('in and numeric comparisons (numeric strings count, absent values never match)', () => {
    const inList = matcher('{ path: data.labels.env, op: in, value: [prod, staging] }');
    expect(inList({ labels: { env: 'prod' } })).toBe(true);
    expect(inList({ labels: { env: 'dev' } })).toBe(false);
    expect(inList({ labels: {} })).toBe(false);
    const between = matcher('{ path: data.value, op: gt, value: 3 }\n{ path: data.value, op: lte, value: 10 }');
    expect(between({ value: 5 })).toBe(true);
    expect(between({ value: '10' })).toBe(true);
    expect(between({ value: 3 })).toBe(false);
    expect(between({ value: 'many' })).toBe(false);
    expect(between({})).toBe(false);
  });

  it('CEL expressions over event and data; an evaluation error is no match', () => {
    const cel = matcher(
      `{ expr: 'data.labels.severity == "critical" && event.subject.startsWith("Argo") && data.count > 2' }`,
    );
    const event = (data: Record<string, unknown>, subject: string) =>
      createEvent({ type: 'alert.firing', source: '/t', subject, data });
    const { sensors } = parseSensorFile('sensors/demo.yaml', sensorWith(`{ expr: 'has(data.labels.team)' }`));
    expect(sensors[0]!.sensor.spec.dependencies[0]!.filters[0]!.matches(event({ labels: {} }, 'x'))).toBe(false);
    const parsed = parseSensorFile(
      'sensors/demo.yaml',
      sensorWith(`{ expr: 'data.labels.severity == "critical" && event.subject.startsWith("Argo")' }`),
    ).sensors[0]!.sensor.spec.dependencies[0]!.filters[0]!;
    expect(parsed.matches(event({ labels: { severity: 'critical' } }, 'ArgoCDApplicationUnhealthy'))).toBe(true);
    expect(parsed.matches(event({ labels: { severity: 'warning' } }, 'ArgoCDApplicationUnhealthy'))).toBe(false);
    expect(cel({ labels: { severity: 'critical' } })).toBe(false); // no subject, no count: an error, no match
  });

  it('time windows in a named zone, including one spanning midnight', () => {
    // 2026-11-23 is a Monday; Europe/Berlin is UTC+1 in November.
    const office = matcher(
      `{ time: { zone: Europe/Berlin, days: [mon, tue, wed, thu, fri], from: '08:00', to: '18:00' } }`,
    );
    expect(office({}, '2026-11-23T07:30:00Z')).toBe(true); // 08:30 Berlin, Monday
    expect(office({}, '2026-11-23T06:30:00Z')).toBe(false); // 07:30 Berlin
    expect(office({}, '2026-11-22T10:00:00Z')).toBe(false); // Sunday
    const night = matcher(`{ time: { zone: UTC, days: [sun], from: '22:00', to: '06:00' } }`);
    expect(night({}, '2026-11-22T23:00:00Z')).toBe(true); // Sunday night
    expect(night({}, '2026-11-23T05:00:00Z')).toBe(true); // Monday early morning: Sunday's night
    expect(night({}, '2026-11-23T23:00:00Z')).toBe(false); // Monday night
  });

  it('any / all combine filters, nested', () => {
    const combined = matcher(
      `{ any: [{ path: data.labels.team, op: eq, value: a }, { all: [{ path: data.x, op: exists }, { expr: 'data.x == "y"' }] }] }`,
    );
    expect(combined({ labels: { team: 'a' } })).toBe(true);
    expect(combined({ labels: {}, x: 'y' })).toBe(true);
    expect(combined({ labels: {}, x: 'z' })).toBe(false);
  });

  it('reports every bad filter at load time with its path', () => {
    expect(
      problems(`{ expr: 'data.x +' }
{ expr: 'nope == 1' }
{ expr: '1 + 2' }
{ path: data.x, op: gt, value: many }
{ time: { zone: Mars/Olympus, from: '8am' } }
{ any: [{ path: data.x, op: like, value: 1 }] }
{ color: red }
{ all: [{ expr: 'data.x', extra: 1 }] }`),
    ).toEqual([
      expect.stringMatching(/^spec\.dependencies\.0\.filters\.0\.expr: CEL "data\.x \+" does not parse/),
      expect.stringMatching(/^spec\.dependencies\.0\.filters\.1\.expr: CEL "nope == 1": .*Unknown variable: nope/),
      'spec.dependencies.0.filters.2.expr: CEL "1 + 2" gives int, a filter needs bool',
      'spec.dependencies.0.filters.3.value: must be a number',
      expect.stringMatching(/^spec\.dependencies\.0\.filters\.4\.time\.zone: "Mars\/Olympus" is not a time zone/),
      'spec.dependencies.0.filters.4.time.from: must be a time of day HH:MM',
      expect.stringMatching(/^spec\.dependencies\.0\.filters\.5\.any\.0\.op: op must be one of/),
      'spec.dependencies.0.filters.6: a filter has path and op, expr, time, any or all',
      'spec.dependencies.0.filters.7.all.0.extra: is not a field here',
    ]);
  });
});
