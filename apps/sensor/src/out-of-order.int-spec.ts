import {
  alertEvent,
  argocdLabels,
  fingerprint,
  incidentsOf as incidentsOfKey,
  type SensorHarness,
  startSensor,
  states,
} from './__tests__/sensor.harness.js';

/**
 * Order where it matters, without relying on delivery order (issue 11 item 8): Alertmanager's
 * resolution of an alert can be handled before its firing (retries, two replicas, a retry tier).
 * The resolution leaves a tombstone for that alert instance (its `startsAt`), so the late firing
 * opens nothing; a new instance of the alert (a later `startsAt`) still opens an incident.
 */
describe('a resolution handled before its firing', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor();
  });

  afterAll(async () => {
    await sensor?.close();
  });

  it('leaves a tombstone: the late firing of that instance opens nothing, a new instance opens one', async () => {
    const labels = argocdLabels('orders', 'shop');
    const fp = fingerprint();
    const startsAt = '2025-11-21T10:00:00.000Z';
    await sensor.publish(alertEvent('resolved', labels, fp, { startsAt, endsAt: '2025-11-21T10:05:00.000Z' }));
    expect(await sensor.unexpected()).toEqual([]);
    await sensor.publish(alertEvent('firing', labels, fp, { startsAt }));
    expect(await sensor.unexpected()).toEqual([]);
    expect(await incidentsOfKey(sensor.schema, fp)).toEqual([]);

    // The alert fires again later: a new instance, a new incident.
    await sensor.publish(alertEvent('firing', labels, fp, { startsAt: '2025-11-21T11:00:00.000Z' }));
    expect(states(await sensor.received(2))).toEqual(expect.arrayContaining([['firing', 1]]));
    expect(await incidentsOfKey(sensor.schema, fp)).toHaveLength(1);
  });

  it('in the usual order, a resolution closes the incident and leaves no tombstone', async () => {
    const labels = argocdLabels('catalog', 'shop');
    const fp = fingerprint();
    await sensor.publish(alertEvent('firing', labels, fp));
    await expect
      .poll(async () => (await incidentsOfKey(sensor.schema, fp))[0]?.status, { timeout: 15_000 })
      .toBeDefined();
    await sensor.publish(alertEvent('resolved', labels, fp, { endsAt: '2025-11-20T09:40:00.000Z' }));
    await expect
      .poll(async () => (await incidentsOfKey(sensor.schema, fp))[0]?.status, { timeout: 15_000 })
      .toBe('resolved');
    const [incident] = await incidentsOfKey(sensor.schema, fp);
    // Other sensors whose resolveOn matched had nothing open: their tombstones are theirs alone.
    const { rows } = await sensor.schema.pool.query(
      `SELECT * FROM sensor_marks WHERE scope = 'resolved' AND sensor = $1 AND key LIKE $2`,
      [incident!.sensor, `${fp}%`],
    );
    expect(rows).toEqual([]);
    await sensor.unexpected();
  });
});
