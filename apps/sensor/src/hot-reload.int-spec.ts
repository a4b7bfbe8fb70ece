import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '@hub/testing';
import { alertEvent, fingerprint, type SensorHarness, startSensor } from './__tests__/sensor.harness.js';
import { SensorReloader } from './definitions/sensor-reloader.js';

const sensorFile = (name: string, slo: string) => `apiVersion: hub/v1
kind: Sensor
metadata: { name: ${name} }
spec:
  dependencies:
    - name: alert
      eventType: alert.firing
      filters: [{ path: data.labels.slo, op: eq, value: ${slo} }]
  incident:
    title: '${name} {{ data.labels.name }}'
`;

describe('hot reload', () => {
  let sensor: SensorHarness;
  let reloader: SensorReloader;

  beforeAll(async () => {
    sensor = await startSensor();
    reloader = sensor.app.get(SensorReloader);
  });

  afterAll(async () => {
    await sensor?.close();
  });

  const fire = (slo: string) =>
    sensor.publish(alertEvent('firing', { alertname: 'X', slo, name: 'web' }, fingerprint()));
  const sensorsDir = () => join(sensor.configDir, 'sensors');

  it('picks up a new sensor file without a restart', async () => {
    await writeFile(join(sensorsDir(), 'added.yaml'), sensorFile('added', 'added'));
    await waitFor('reloaded with the new sensor', () => reloader.last?.sensors.includes('added') === true);
    await fire('added');
    const [firing] = await sensor.received(1);
    expect(firing!.data).toMatchObject({ title: 'added web', state: 'firing' });
  });

  it('rejects a bad file with file and path, and keeps running the old set (and reloads on demand)', async () => {
    await writeFile(join(sensorsDir(), 'broken.yaml'), sensorFile('broken', 'broken').replace('op: eq', 'op: like'));
    await waitFor('reload rejected', () => reloader.last?.ok === false);
    expect(reloader.last!.message).toMatch(/broken\.yaml:\d+ spec\.dependencies\.0\.filters\.0\.op: op must be one of/);
    expect(sensor.registry.get('added')?.metadata.name).toBe('added');
    await fire('added');
    expect(await sensor.received(1)).toHaveLength(1);

    await rm(join(sensorsDir(), 'broken.yaml'));
    await waitFor('reloaded after the fix', () => reloader.last?.ok === true);
    await writeFile(join(sensorsDir(), 'added.yaml'), sensorFile('renamed', 'renamed'));
    await reloader.reload(); // what SIGHUP does (a real signal would also reach the test runner)
    await waitFor('renamed sensor loaded', () => sensor.registry.get('renamed') !== undefined);
    expect(sensor.registry.get('added')).toBeUndefined();
  });

  it('rejects a set that needs an event type the queue is not bound to', async () => {
    // No shipped sensor depends on provisioning requests, so the queue is not bound to them.
    const text = sensorFile('portal', 'x').replace('eventType: alert.firing', 'eventType: provisioning.requested');
    await writeFile(join(sensorsDir(), 'portal.yaml'), text);
    await waitFor('reload rejected', () => reloader.last?.ok === false);
    expect(reloader.last!.message).toContain('provisioning.requested');
    expect(sensor.registry.get('portal')).toBeUndefined();
    await rm(join(sensorsDir(), 'portal.yaml'));
  });
});
