import { alertEvent, fingerprint, type SensorHarness, startSensor } from './__tests__/sensor.harness.js';

/** Every filter kind at once: in, numeric, CEL, any/all and a time window (weekdays, UTC office hours). */
const FILTERED = `apiVersion: hub/v1
kind: Sensor
metadata: { name: filtered }
spec:
  dependencies:
    - name: alert
      eventType: alert.firing
      filters:
        - { path: data.labels.slo, op: eq, value: filtered }
        - { path: data.labels.env, op: in, value: [prod, staging] }
        - { path: data.labels.replicas, op: gte, value: 3 }
        - { expr: 'data.labels.name.startsWith("pay") && !has(data.labels.silenced)' }
        - any:
            - { path: data.labels.severity, op: eq, value: critical }
            - { all: [{ path: data.labels.team, op: exists }, { expr: 'data.labels.team == "payments"' }] }
        - { time: { zone: Europe/Berlin, days: [mon, tue, wed, thu, fri], from: '08:00', to: '18:00' } }
  incident:
    title: 'Filtered {{ data.labels.name }}'
`;

const MONDAY_MORNING = '2026-11-23T08:00:00Z'; // 09:00 in Berlin
const SATURDAY = '2026-11-21T10:00:00Z';

describe('filters through the broker', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({ extra: { 'filtered.yaml': FILTERED } });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  const base = {
    alertname: 'X',
    slo: 'filtered',
    env: 'prod',
    replicas: '3',
    name: 'payments-api',
    severity: 'critical',
  };
  const fire = (labels: Record<string, string>, time = MONDAY_MORNING) => ({
    ...alertEvent('firing', labels, fingerprint()),
    time,
  });

  it('opens an incident only for events every filter accepts', async () => {
    const rejected = [
      fire({ ...base, env: 'dev' }), // in
      fire({ ...base, replicas: '2' }), // gte
      fire({ ...base, name: 'web' }), // CEL
      fire({ ...base, silenced: 'yes' }), // CEL has()
      fire({ ...base, severity: 'warning', team: 'search' }), // any/all
      fire(base, SATURDAY), // time window
    ];
    const accepted = [fire(base), fire({ ...base, severity: 'warning', team: 'payments' })];
    await sensor.publish(...rejected, ...accepted);
    const events = await sensor.received(2);
    expect(events.map((e) => e.incidentkey).sort()).toEqual(accepted.map((e) => e.incidentkey).sort());
    expect(await sensor.unexpected()).toEqual([]);
  });
});
