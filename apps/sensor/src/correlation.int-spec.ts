import { type HubEvent, type NotificationRequested } from '@hub/contracts';
import { waitFor } from '@hub/testing';
import {
  alertEvent,
  createSensorWorld,
  fingerprint,
  incidentsOf,
  type SensorHarness,
  type SensorProcess,
  type SensorWorld,
  startSensor,
  startSensorProcess,
} from './__tests__/sensor.harness.js';

/** "The database is slow AND the API errors, within 1 minute, for one app" — any order. */
const ALL = `apiVersion: hub/v1
kind: Sensor
metadata: { name: db-and-api }
spec:
  dependencies:
    - { name: db-slow, eventType: alert.firing, filters: [{ path: data.labels.slo, op: eq, value: db-latency }] }
    - { name: api-errors, eventType: alert.firing, filters: [{ path: data.labels.slo, op: eq, value: api-errors }] }
  condition:
    all: { of: [db-slow, api-errors], within: 1m, correlate: '{{ data.labels.app }}' }
  incident:
    key: 'db-and-api/{{ data.labels.app }}'
    title: 'Database slow and API erroring — {{ data.labels.app }} ({{ data.labels.slo }} last)'
`;

/** "A canary failed, THEN the rollback failed, within 1 minute, for one app" — in that order only. */
const SEQUENCE = `apiVersion: hub/v1
kind: Sensor
metadata: { name: rollback-after-canary }
spec:
  dependencies:
    - { name: canary-failed, eventType: alert.firing, filters: [{ path: data.labels.slo, op: eq, value: canary }] }
    - { name: rollback-failed, eventType: alert.firing, filters: [{ path: data.labels.slo, op: eq, value: rollback }] }
  condition:
    sequence: { of: [canary-failed, rollback-failed], within: 1m, correlate: '{{ data.labels.app }}' }
  incident:
    key: 'rollback/{{ data.labels.app }}'
    title: 'Rollback failed after a failed canary — {{ data.labels.app }}'
`;

/** Only these two: no shipped sensor reacts to the test's alerts. */
const FILES = { only: [], extra: { 'all.yaml': ALL, 'sequence.yaml': SEQUENCE } };

/** An alert of `slo` for `app`, at `at` (default now). */
function alert(slo: string, app: string, at = new Date()): HubEvent {
  return { ...alertEvent('firing', { alertname: `${slo}-alert`, slo, app }, fingerprint()), time: at.toISOString() };
}

async function partialMatches(world: SensorWorld, key: string): Promise<string[]> {
  const { rows } = await world.schema.pool.query<{ dependency: string }>(
    'SELECT dependency FROM sensor_condition_matches WHERE key = $1 ORDER BY dependency',
    [key],
  );
  return rows.map((r) => r.dependency);
}

async function processed(world: SensorWorld): Promise<number> {
  const { rows } = await world.schema.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_processed_events');
  return rows[0]!.n;
}

describe('correlation conditions through the broker', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor(FILES, { SENSOR_SWEEP_MS: '200' });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  it('all: A and B in either order open one incident, from the completing event', async () => {
    await sensor.publish(alert('db-latency', 'orders'), alert('api-errors', 'billing'));
    await waitFor('both partial matches stored', async () => (await processed(sensor)) === 2);
    expect(await partialMatches(sensor, 'orders')).toEqual(['db-slow']);
    expect(await sensor.unexpected()).toEqual([]);

    await sensor.publish(alert('api-errors', 'orders'), alert('db-latency', 'billing'));
    const firings = (await sensor.received(2)).map((e) => e.data as NotificationRequested);
    expect(firings.map((n) => [n.incidentKey, n.state, n.title]).sort()).toEqual([
      ['db-and-api/billing', 'firing', 'Database slow and API erroring — billing (db-latency last)'],
      ['db-and-api/orders', 'firing', 'Database slow and API erroring — orders (api-errors last)'],
    ]);
    expect(await sensor.unexpected()).toEqual([]);
    expect(await incidentsOf(sensor.schema, 'db-and-api/orders')).toHaveLength(1);
    expect(await partialMatches(sensor, 'orders')).toEqual([]); // completed: the key starts over
  });

  it('all: A and B further apart than the window open nothing', async () => {
    const now = Date.now();
    await sensor.publish(alert('db-latency', 'search', new Date(now - 2 * 60_000)));
    await waitFor('A stored', async () => (await partialMatches(sensor, 'search')).length === 1);
    await sensor.publish(alert('api-errors', 'search', new Date(now)));
    await waitFor('B stored in place of the expired A', async () => {
      return (await partialMatches(sensor, 'search')).join() === 'api-errors';
    });
    expect(await sensor.unexpected()).toEqual([]);
    expect(await incidentsOf(sensor.schema, 'db-and-api/search')).toEqual([]);
  });

  it('the sweeper drops a partial match abandoned for more than an hour past its window, and only that', async () => {
    await sensor.publish(alert('db-latency', 'abandoned', new Date(Date.now() - 2 * 3_600_000)));
    await sensor.publish(alert('db-latency', 'recent', new Date(Date.now() - 30 * 60_000)));
    await waitFor('the recent one stored', async () => (await partialMatches(sensor, 'recent')).length === 1);
    await waitFor('the abandoned one swept', async () => (await partialMatches(sensor, 'abandoned')).length === 0);
    expect(await partialMatches(sensor, 'recent')).toEqual(['db-slow']);
  });

  it('sequence: A then B opens the incident; B then A does not', async () => {
    const now = Date.now();
    await sensor.publish(alert('canary', 'cart', new Date(now - 2_000)));
    await sensor.publish(alert('rollback', 'stock', new Date(now - 2_000)));
    await waitFor('canary of cart stored', async () => (await partialMatches(sensor, 'cart')).length === 1);
    await sensor.publish(alert('rollback', 'cart', new Date(now)), alert('canary', 'stock', new Date(now)));
    const [firing] = await sensor.received(1);
    expect(firing!.data).toMatchObject({
      incidentKey: 'rollback/cart',
      state: 'firing',
      title: 'Rollback failed after a failed canary — cart',
    } satisfies Partial<NotificationRequested>);
    // stock's rollback came first: it did not count; its canary now waits for a later rollback.
    await waitFor('canary of stock stored', async () => {
      return (await partialMatches(sensor, 'stock')).join() === 'canary-failed';
    });
    expect(await sensor.unexpected()).toEqual([]);
    expect(await incidentsOf(sensor.schema, 'rollback/stock')).toEqual([]);
  });
});

describe('correlation conditions across sensor processes', () => {
  let world: SensorWorld;
  const processes: SensorProcess[] = [];

  beforeAll(async () => {
    world = await createSensorWorld(FILES);
  });

  afterAll(async () => {
    for (const p of processes) await p.kill();
    await world?.close();
  });

  it('two replicas on one queue with interleaved events: exactly one incident per key', async () => {
    const replicas = [startSensorProcess(world), startSensorProcess(world)];
    processes.push(...replicas);
    await Promise.all(replicas.map((r) => r.ready()));
    const apps = Array.from({ length: 12 }, (_, i) => `replica-app-${i}`);
    const complete = apps.slice(0, 8);
    // Both halves of keys 0–7 at once, alternating order, so the replicas share every key's events;
    // keys 8–11 get only one half and must stay waiting.
    const events = apps.flatMap((app, i) =>
      i >= 8
        ? [alert(i % 2 === 0 ? 'db-latency' : 'api-errors', app)]
        : i % 2 === 0
          ? [alert('db-latency', app), alert('api-errors', app)]
          : [alert('api-errors', app), alert('db-latency', app)],
    );
    await world.publish(...events);
    const firings = await world.received(complete.length);
    expect(firings.map((e) => (e.data as NotificationRequested).incidentKey).sort()).toEqual(
      complete.map((app) => `db-and-api/${app}`).sort(),
    );
    await waitFor('every event handled', async () => (await processed(world)) === events.length);
    expect(await world.unexpected()).toEqual([]);
    const { rows } = await world.schema.pool.query<{ key: string; n: number }>(
      'SELECT key, count(*)::int AS n FROM incidents GROUP BY key ORDER BY key',
    );
    expect(rows).toEqual(
      complete.map((app) => ({ key: `db-and-api/${app}`, n: 1 })).sort((a, b) => a.key.localeCompare(b.key)),
    );
    const waiting = await world.schema.pool.query<{ key: string }>('SELECT key FROM sensor_condition_matches');
    expect(waiting.rows.map((r) => r.key).sort()).toEqual(apps.slice(8).sort());
    for (const r of replicas) await r.kill();
  }, 240_000);

  it('a restart between A and B keeps A', async () => {
    const first = startSensorProcess(world);
    processes.push(first);
    await first.ready();
    await world.publish(alert('canary', 'restart-app'));
    await waitFor('A stored', async () => (await partialMatches(world, 'restart-app')).length === 1);
    await first.kill();

    const second = startSensorProcess(world);
    processes.push(second);
    await second.ready();
    await world.publish(alert('rollback', 'restart-app'));
    const [firing] = await world.received(1);
    expect(firing!.data).toMatchObject({ incidentKey: 'rollback/restart-app', state: 'firing' });
    await second.kill();
  }, 240_000);
});
