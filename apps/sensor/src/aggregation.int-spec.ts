import { createEvent, type Deployment, type NotificationRequested } from '@hub/contracts';
import { waitFor } from '@hub/testing';
import {
  createSensorWorld,
  incidentsOf,
  type SensorHarness,
  type SensorProcess,
  type SensorWorld,
  startSensor,
  startSensorProcess,
  states,
} from './__tests__/sensor.harness.js';

/** S9 with the shipped `repeated-deploy-failures` sensor (3 within 5m, dedup 1m, once within 30m). */
let version = 0;
function deployment(type: 'deployment.failed' | 'deployment.completed', app: string, extra: Partial<Deployment> = {}) {
  version += 1;
  return createEvent<Deployment>({
    type,
    source: '/argocd',
    subject: app,
    data: { app, environment: 'production', version: `v${version}`, team: 'payments', ...extra },
  });
}

/** Only the S9 sensor: the shipped deployment-notify sensors also message on each failure. */
const ONLY_S9 = { only: ['repeated-deploy-failures.yaml'] };

const keyOf = (app: string) => `deploy-failures/production/${app}`;

describe('S9 aggregation: count within a window, dedup, once within', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor(ONLY_S9);
  });

  afterAll(async () => {
    await sensor?.close();
  });

  it('opens one incident on the third failure of an app within the window, not three', async () => {
    const app = `shop-${version}`;
    const other = `cart-${version}`;
    await sensor.publish(deployment('deployment.failed', app), deployment('deployment.failed', other));
    await sensor.publish(deployment('deployment.failed', app));
    expect(await sensor.unexpected()).toEqual([]);
    expect(await incidentsOf(sensor.schema, keyOf(app))).toEqual([]);

    await sensor.publish(deployment('deployment.failed', app));
    const [firing] = await sensor.received(1);
    expect(firing!.data).toMatchObject({
      incidentKey: keyOf(app),
      state: 'firing',
      team: 'payments',
      title: `Repeated deployment failures — ${app} (production)`,
    } satisfies Partial<NotificationRequested>);

    // A fourth failure is a repeat of the open incident; the other app still has one failure.
    await sensor.publish(deployment('deployment.failed', app));
    expect(await sensor.unexpected()).toEqual([]);
    expect((await incidentsOf(sensor.schema, keyOf(app)))[0]).toMatchObject({ status: 'firing', fire_count: 2 });
    expect(await incidentsOf(sensor.schema, keyOf(other))).toEqual([]);

    // A successful deployment resolves it; three more failures within 30 minutes open nothing (onceWithin).
    await sensor.publish(deployment('deployment.completed', app));
    expect(states(await sensor.received(1))).toEqual([['resolved', 2]]);
    for (let i = 0; i < 3; i++) await sensor.publish(deployment('deployment.failed', app));
    expect(await sensor.unexpected()).toEqual([]);
    expect(await incidentsOf(sensor.schema, keyOf(app))).toHaveLength(1);
  });

  it('counts an identical failure reported twice once (dedup), and events outside the window not at all', async () => {
    const app = `dedup-${version}`;
    const failure = deployment('deployment.failed', app, { version: 'same' });
    const again = { ...deployment('deployment.failed', app, { version: 'same' }), time: failure.time };
    const old = { ...deployment('deployment.failed', app), time: new Date(Date.now() - 6 * 60_000).toISOString() };
    await sensor.publish(failure);
    await sensor.publish(again, old);
    await sensor.publish(deployment('deployment.failed', app));
    expect(await sensor.unexpected()).toEqual([]); // 2 in the window: the duplicate and the old one do not count
    await sensor.publish(deployment('deployment.failed', app));
    expect(states(await sensor.received(1))).toEqual([['firing', 1]]);
  });

  it('opens the incident when the three failures are handled out of order (a replica or a retry takes a later one first)', async () => {
    const app = `late-${version}`;
    const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1_000).toISOString();
    const [first, second, third] = [30, 20, 10].map((ago) => ({
      ...deployment('deployment.failed', app),
      time: at(ago),
    }));
    await sensor.publish(third!);
    expect(await sensor.unexpected()).toEqual([]);
    await sensor.publish(first!);
    expect(await sensor.unexpected()).toEqual([]);
    await sensor.publish(second!); // the last handled, not the last that happened: still the third within 5m
    const [firing] = await sensor.received(1);
    expect(firing!.data).toMatchObject({ incidentKey: keyOf(app), state: 'firing' });
    expect(await sensor.unexpected()).toEqual([]);

    // Three failures spanning more than 5 minutes, the middle one handled last: no incident.
    const spread = `spread-${version}`;
    const [early, middle, late] = [540, 330, 60].map((ago) => ({
      ...deployment('deployment.failed', spread),
      time: at(ago),
    }));
    for (const event of [late!, early!, middle!]) await sensor.publish(event);
    expect(await sensor.unexpected()).toEqual([]);
    expect(await incidentsOf(sensor.schema, keyOf(spread))).toEqual([]);
  });
});

describe('S9 aggregation across sensor processes', () => {
  let world: SensorWorld;
  const processes: SensorProcess[] = [];

  beforeAll(async () => {
    world = await createSensorWorld(ONLY_S9);
  });

  afterAll(async () => {
    for (const p of processes) await p.kill();
    await world?.close();
  });

  it('two replicas on one queue: every app with three failures gets exactly one incident, the others none', async () => {
    const replicas = [startSensorProcess(world), startSensorProcess(world)];
    processes.push(...replicas);
    await Promise.all(replicas.map((r) => r.ready()));
    const apps = Array.from({ length: 12 }, (_, i) => `replica-app-${i}`);
    // Apps 0–7 fail three times, 8–11 twice, a second apart; all published at once and each app's
    // last failure first, so the replicas share every app's events and handle them out of their order.
    const start = Date.now() - 60_000;
    const events = apps.flatMap((app, i) => {
      const failures = Array.from({ length: i < 8 ? 3 : 2 }, (_, k) => ({
        ...deployment('deployment.failed', app),
        time: new Date(start + k * 1_000).toISOString(),
      }));
      return [failures.at(-1)!, ...failures.slice(0, -1)];
    });
    await world.publish(...events);
    // Two sensor processes beside the rest of a CI run on two cores: give them time, not a deadline.
    const firings = await world.received(8, 90_000).catch((error: unknown) => {
      for (const [i, r] of replicas.entries()) console.error(`replica ${i} output:\n${r.lines.slice(-40).join('\n')}`);
      throw error;
    });
    expect(firings.map((e) => (e.data as NotificationRequested).incidentKey).sort()).toEqual(
      apps.slice(0, 8).map(keyOf).sort(),
    );
    await waitFor('every event handled', async () => {
      const { rows } = await world.schema.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM hub_processed_events`,
      );
      return rows[0]!.n === events.length;
    });
    expect(await world.unexpected()).toEqual([]);
    const { rows } = await world.schema.pool.query<{ key: string; n: number }>(
      `SELECT key, count(*)::int AS n FROM incidents GROUP BY key`,
    );
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    // The apps below the threshold still hold their two failures for the next one.
    const windows = await world.schema.pool.query<{ key: string; n: number }>(
      `SELECT key, count(*)::int AS n FROM sensor_window_events GROUP BY key`,
    );
    expect(windows.rows).toHaveLength(4);
    expect(windows.rows).toEqual(expect.arrayContaining(apps.slice(8).map((app) => ({ key: keyOf(app), n: 2 }))));
    for (const r of replicas) await r.kill();
  }, 240_000);

  it('a restart in the middle of a window keeps the count', async () => {
    const app = 'restart-app';
    const first = startSensorProcess(world);
    processes.push(first);
    await first.ready();
    await world.publish(deployment('deployment.failed', app), deployment('deployment.failed', app));
    await waitFor('two failures counted', async () => {
      const { rows } = await world.schema.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM sensor_window_events WHERE key = $1`,
        [keyOf(app)],
      );
      return rows[0]!.n === 2;
    });
    await first.kill();

    const second = startSensorProcess(world);
    processes.push(second);
    await second.ready();
    await world.publish(deployment('deployment.failed', app));
    const [firing] = await world.received(1);
    expect(firing!.data).toMatchObject({ incidentKey: keyOf(app), state: 'firing', fields: { fireCount: '1' } });
    await second.kill();
  }, 240_000);
});
