import { randomUUID } from 'node:crypto';
import { type HubEvent } from '@hub/contracts';
import { waitFor } from '@hub/testing';
import {
  alertEvent,
  argocdLabels,
  fingerprint,
  incidentsOf,
  type SensorHarness,
  startSensor,
} from './__tests__/sensor.harness.js';

/** The same alert id from another sender: CloudEvents ids are unique only within a source. */
function from(source: string, event: HubEvent, id: string): HubEvent {
  return { ...event, source, id };
}

describe('event identity is source + id (CloudEvents)', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({}, { HUB_DRY_RUN: 'true' });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  const logged = async (id: string) =>
    (
      await sensor.schema.pool.query<{ source: string }>('SELECT source FROM event_log WHERE id = $1 ORDER BY source', [
        id,
      ])
    ).rows.map((row) => row.source);

  it('handles two events with one id from two sources, and one source + id once', async () => {
    const id = randomUUID();
    const [east, west] = [fingerprint(), fingerprint()];
    const first = from('/alertmanager/east', alertEvent('firing', argocdLabels('east-api'), east), id);
    const second = from('/alertmanager/west', alertEvent('firing', argocdLabels('west-api'), west), id);
    await sensor.publish(first);
    await sensor.publish(second);
    await waitFor('both incidents', async () => (await incidentsOf(sensor.schema, west)).length === 1);
    expect(await incidentsOf(sensor.schema, east)).toHaveLength(1);
    expect(await logged(id)).toEqual(['/alertmanager/east', '/alertmanager/west']);

    await sensor.received(1);
    await sensor.unexpected();
    await sensor.publish(first); // a redelivery of the same source + id
    expect(await sensor.unexpected()).toEqual([]);
    expect(await logged(id)).toEqual(['/alertmanager/east', '/alertmanager/west']);
    const { rows } = await sensor.schema.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM hub_processed_events WHERE event_id LIKE $1',
      [`%${id}%`],
    );
    expect(rows[0]!.n).toBe(2);
  });
});
