import { type NotificationRequested } from '@hub/contracts';
import { waitFor } from '@hub/testing';
import { alertEvent, fingerprint, type SensorHarness, startSensor } from './__tests__/sensor.harness.js';

/** "Backup started but not finished within 1 s" (2 h in real life), per app. */
const ABSENCE = `apiVersion: hub/v1
kind: Sensor
metadata: { name: backup-overdue }
spec:
  dependencies:
    - name: started
      eventType: alert.firing
      filters: [{ path: data.labels.slo, op: eq, value: backup-started }]
    - name: finished
      eventType: alert.firing
      filters: [{ path: data.labels.slo, op: eq, value: backup-finished }]
  condition:
    absent: { after: started, missing: finished, within: 1s, correlate: '{{ data.labels.app }}' }
  incident:
    key: 'backup-overdue/{{ data.labels.app }}'
    title: 'Backup of {{ data.labels.app }} did not finish'
`;

describe('absence rule: A and not B within T', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({ extra: { 'absence.yaml': ABSENCE } }, { SENSOR_SWEEP_MS: '200' });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  const backup = (slo: string, app: string) => alertEvent('firing', { alertname: 'Backup', slo, app }, fingerprint());

  it('opens the incident when the second event does not come in time, and not when it does', async () => {
    await sensor.publish(backup('backup-started', 'orders'), backup('backup-started', 'billing'));
    await waitFor('both deadlines armed', async () => {
      const { rows } = await sensor.schema.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM sensor_deadlines');
      return rows[0]!.n === 2;
    });
    await sensor.publish(backup('backup-finished', 'billing'));
    const [firing] = await sensor.received(1);
    expect(firing!.data).toMatchObject({
      incidentKey: 'backup-overdue/orders',
      state: 'firing',
      title: 'Backup of orders did not finish',
    } satisfies Partial<NotificationRequested>);
    expect(await sensor.unexpected(1_500)).toEqual([]); // billing finished in time
    const { rows } = await sensor.schema.pool.query('SELECT key FROM incidents');
    expect(rows).toEqual([{ key: 'backup-overdue/orders' }]);
  });
});
