import { register } from 'prom-client';
import { waitFor } from '@hub/testing';
import {
  actionResult,
  alertEvent,
  argocdLabels,
  fingerprint,
  type SensorHarness,
  startSensor,
} from './__tests__/sensor.harness.js';

/** `hub_db_statements_total` of this process: the sensor's pool (the harness reads through a pool of its own). */
async function statements(): Promise<number> {
  const metric = register.getSingleMetric('hub_db_statements_total');
  return ((await metric?.get())?.values ?? []).reduce((n, v) => n + v.value, 0);
}

/** The statements the sensor sends for what `act` makes it do, once it is quiet again (the outbox's delayed delete included). */
async function statementsOf(act: () => Promise<unknown>): Promise<number> {
  const before = await statements();
  await act();
  await new Promise((resolve) => setTimeout(resolve, 400));
  return (await statements()) - before;
}

describe('statements per event (the hot path, issue 15)', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor(
      { only: ['slo-remediation.yaml'] },
      { SENSOR_SWEEP_MS: '600000', SENSOR_OUTBOX_RELAY_MS: '600000', HUB_RETENTION_SWEEP: '1h' },
    );
  });

  afterAll(async () => {
    await sensor?.close();
  });

  it('opens and remediates an incident in 7 statements (+1 delete when idle), counts a repeat in 5', async () => {
    const fp = fingerprint();
    const firing = alertEvent('firing', argocdLabels(), fp);
    let opened: Awaited<ReturnType<SensorHarness['received']>> = [];
    const first = await statementsOf(async () => {
      await sensor.publish(firing);
      opened = await sensor.received(3);
    });
    const repeat = await statementsOf(async () => {
      await sensor.publish(alertEvent('firing', argocdLabels(), fp));
      await waitForFireCount(sensor, fp, 2);
    });
    const result = await statementsOf(async () => {
      await sensor.publish(actionResult(opened[1]!, true));
      await sensor.received(1);
    });
    const duplicate = await statementsOf(async () => {
      await sensor.publish(firing); // a redelivery of the first: the marker says handled
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    // Idle after each step, so each step's published rows go by a delete of their own (+1).
    expect(first).toBeLessThanOrEqual(8);
    expect(repeat).toBeLessThanOrEqual(5);
    expect(result).toBeLessThanOrEqual(7);
    // BEGIN, the claim, COMMIT, the staged rows of the event (none left).
    expect(duplicate).toBeLessThanOrEqual(4);
    const { rows } = await sensor.schema.pool.query('SELECT status, fire_count FROM incidents WHERE key = $1', [fp]);
    expect(rows).toEqual([{ status: 'remediated', fire_count: 2 }]);
    const history = await sensor.schema.pool.query(
      'SELECT h.status FROM incident_history h JOIN incidents i ON i.id = h.incident_id WHERE i.key = $1 ORDER BY h.id',
      [fp],
    );
    expect(history.rows.map((r: { status: string }) => r.status)).toEqual(['firing', 'remediating', 'remediated']);
    const outbox = await sensor.schema.pool.query('SELECT count(*)::int AS n FROM sensor_outbox');
    expect(outbox.rows).toEqual([{ n: 0 }]);
    const logged = await sensor.schema.pool.query('SELECT count(*)::int AS n FROM event_log WHERE key = $1', [fp]);
    expect(logged.rows).toEqual([{ n: 2 }]);
  });
});

async function waitForFireCount(sensor: SensorHarness, key: string, count: number): Promise<void> {
  await waitFor(`fire count ${count}`, async () => {
    const { rows } = await sensor.schema.pool.query<{ fire_count: number }>(
      'SELECT fire_count FROM incidents WHERE key = $1 AND resolved_at IS NULL',
      [key],
    );
    return (rows[0]?.fire_count ?? 0) >= count;
  });
}
