import { type NotificationRequested } from '@hub/contracts';
import {
  alertEvent,
  argocdLabels,
  fingerprint,
  incidentsOf as incidentsOfKey,
  type SensorHarness,
  startSensor,
} from './__tests__/sensor.harness.js';

/** Alertmanager's `startsAt` orders the instances of one alert, whatever order the bus delivers them in. */
describe('alert instances handled out of order', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor();
  });

  afterAll(async () => {
    await sensor?.close();
  });

  const incidentsOf = (key: string) => incidentsOfKey(sensor.schema, key);
  const earlier = '2026-11-23T04:00:00.000Z';
  const later = '2026-11-23T04:20:00.000Z';

  it('ignores a late resolution of an earlier instance: the newer instance stays open', async () => {
    const fp = fingerprint();
    await sensor.publish(alertEvent('firing', argocdLabels(), fp, { startsAt: later }));
    await sensor.received(3);
    await sensor.publish(alertEvent('resolved', argocdLabels(), fp, { startsAt: earlier }));
    expect(await sensor.unexpected()).toEqual([]);
    const incidents = await incidentsOf(fp);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.resolved_at).toBeNull();
  });

  it('closes the incident of an instance whose resolution it has not seen when a newer one fires', async () => {
    const fp = fingerprint();
    await sensor.publish(alertEvent('firing', argocdLabels(), fp, { startsAt: earlier }));
    await sensor.received(3);
    await sensor.publish(alertEvent('firing', argocdLabels(), fp, { startsAt: later }));
    const events = await sensor.received(2);
    const states = events.map((e) => (e.data as NotificationRequested).state);
    expect(states).toEqual(['resolved', 'firing']);
    const incidents = await incidentsOf(fp);
    expect(incidents).toHaveLength(2);
    expect(incidents.filter((i) => i.resolved_at === null)).toHaveLength(1);
    expect((events[1]!.data as NotificationRequested).incidentId).not.toBe(
      (events[0]!.data as NotificationRequested).incidentId,
    );
  });
});
