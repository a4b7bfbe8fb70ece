import { register } from 'prom-client';
import { createEvent, eventIdentity } from '@hub/contracts';
import { HubPublisher } from '@hub/messaging';
import { waitFor } from '@hub/testing';
import {
  alertEvent,
  argocdLabels,
  fingerprint,
  type SensorHarness,
  startSensor,
  states,
} from '../__tests__/sensor.harness.js';

const outboxRows = (sensor: SensorHarness) =>
  sensor.schema.pool
    .query<{ event_id: string; source_event_id: string }>(
      'SELECT event_id, source_event_id FROM sensor_outbox ORDER BY position',
    )
    .then((r) => r.rows);

describe('publishing after the commit (outbox)', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({}, { SENSOR_PUBLISH_WAIT_MS: '50' });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  it('republishes what a committed state change staged when its publish failed, once the broker takes it', async () => {
    const sensorPublisher = sensor.app.get(HubPublisher);
    await sensorPublisher.close();
    const fp = fingerprint();
    const firing = alertEvent('firing', argocdLabels(), fp);
    await sensor.publish(firing);

    const staged = await waitFor('three staged events', async () => {
      const rows = await outboxRows(sensor);
      return rows.length === 3 && rows;
    });
    expect(staged.every((row) => row.source_event_id === eventIdentity(firing))).toBe(true);
    await waitFor('a failed publish sent to a retry tier', async () => (await retries(sensor.queue)) >= 1);
    await sensorPublisher.start();

    const events = await sensor.received(3);
    expect(events.map((e) => e.id)).toEqual(staged.map((row) => row.event_id));
    expect(states(events)).toEqual([
      ['firing', 1],
      ['remediating', 2],
    ]);
    await waitFor('an empty outbox', async () => (await outboxRows(sensor)).length === 0);
    const incidents = await sensor.schema.pool.query('SELECT status, sequence FROM incidents WHERE key = $1', [fp]);
    expect(incidents.rows).toEqual([{ status: 'remediating', sequence: 2 }]);
    expect(await sensor.parked()).toBe(0);
  });
});

describe('outbox relay', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({}, { SENSOR_OUTBOX_RELAY_MS: '300' });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  it('publishes events a parked delivery left in the outbox', async () => {
    const left = createEvent({ type: 'notification.requested', source: '/sensor/test', data: { left: true } });
    await sensor.schema.pool.query(
      `INSERT INTO sensor_outbox (event_id, source_event_id, event, created_at) VALUES ($1, 'parked-1', $2, now() - interval '1 hour')`,
      [left.id, JSON.stringify(left)],
    );
    const [relayed] = await sensor.received(1);
    expect(relayed).toMatchObject({ id: left.id, data: { left: true } });
    await waitFor('an empty outbox', async () => (await outboxRows(sensor)).length === 0);
  });
});

/** Deliveries of `queue` the transport sent to a retry tier so far. */
async function retries(queue: string): Promise<number> {
  const metric = register.getSingleMetric('hub_messages_consumed_total');
  const values = (await metric?.get())?.values ?? [];
  return values
    .filter((v) => v.labels.queue === queue && v.labels.outcome === 'retry')
    .reduce((n, v) => n + v.value, 0);
}
