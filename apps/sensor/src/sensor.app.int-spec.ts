import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from '@hub/contracts';
import { InvalidSensorsError } from './definitions/sensor.errors.js';
import { createSensorApp } from './sensor.app.js';
import { loadSensorConfig } from './sensor.config.js';
import {
  alertEvent,
  argocdLabels,
  fingerprint,
  type SensorHarness,
  startSensor,
  states,
} from './__tests__/sensor.harness.js';

const degradedSensor = `apiVersion: hub/v1
kind: Sensor
metadata: { name: degraded-restart }
spec:
  dependencies:
    - name: degraded
      eventType: service.degraded
      filters: [{ path: data.service, op: regex, value: 'checkout-.*' }]
  incident:
    key: 'service/{{ data.service }}'
    title: '{{ data.service }} is degraded'
    text: '{{ data.message }}'
    resolveOn: service.recovered
  triggers:
    - name: restart
      action:
        kind: kubernetes.rollout-restart
        target: '{{ data.service }}'
        params: { deployment: '{{ data.service }}' }
`;

describe('the sensor app', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({ extra: { 'degraded.yaml': degradedSensor } }, { HUB_DRY_RUN: 'true' });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  it('binds its queue to the event types its sensors depend on and resolve on', async () => {
    // Other shipped sensors add their own types (deployment.*, policy.violated, …).
    expect(sensor.server.bindings).toEqual(
      expect.arrayContaining([
        'action.failed',
        'action.succeeded',
        'alert.firing',
        'alert.resolved',
        'deployment.completed',
        'deployment.failed',
        'service.degraded',
        'service.recovered',
      ]),
    );
    await sensor.publish(
      createEvent({
        type: 'service.degraded',
        source: '/statuspage',
        data: { service: 'checkout-api', message: 'p99 latency above 2 s' },
      }),
    );
    const opened = await sensor.received(3);
    expect(opened[1]).toMatchObject({
      type: 'action.requested.kubernetes.rollout-restart',
      incidentkey: 'service/checkout-api',
      data: { target: 'checkout-api', params: { deployment: 'checkout-api' }, dryRun: true },
    });
    expect(opened[0]!.data).toMatchObject({
      state: 'firing',
      title: 'checkout-api is degraded',
      text: 'p99 latency above 2 s',
    });
    await sensor.publish(
      createEvent({ type: 'service.recovered', source: '/statuspage', data: { service: 'checkout-api' } }),
    );
    expect(states(await sensor.received(1))).toEqual([['resolved', 3]]);
  });

  it('asks for dry runs only when HUB_DRY_RUN is set', async () => {
    await sensor.publish(alertEvent('firing', argocdLabels(), fingerprint()));
    const events = await sensor.received(3);
    expect(events[1]!.data).toMatchObject({ kind: 'argocd.sync', dryRun: true });
    expect(events[2]!.data).toMatchObject({ text: 'remediation started: argocd.sync payments-api (dry run)' });
  });

  it('answers health, readiness and metrics', async () => {
    expect((await sensor.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await sensor.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toEqual({ status: 'ready' });
    const metrics = (await sensor.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/hub_sensor_matches_total\{sensor="slo-remediation",outcome="triggered"\} \d+/);
    expect(metrics).toMatch(
      /hub_sensor_triggers_total\{sensor="slo-remediation",trigger="sync-app",kind="argocd.sync"\} \d+/,
    );
    expect(metrics).toMatch(/hub_sensor_open_incidents\{state="remediating"\} [1-9]/);
  });

  it('reports how long the oldest incident of each state has been in it (HubIncidentStuckRemediating)', async () => {
    const oldest = async (): Promise<number> => {
      const page = (await sensor.app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(/hub_sensor_oldest_open_incident_seconds\{state="remediating"\} ([\d.e+]+)/.exec(page)?.[1]);
    };
    expect(await oldest()).toBeLessThan(600);
    // A refire touches updated_at but not the state: the age counts from entering remediating.
    await sensor.schema.pool.query(
      `UPDATE incident_history h SET at = h.at - interval '2 hours' FROM incidents i
       WHERE h.incident_id = i.id AND h.status = 'remediating' AND i.status = 'remediating' AND i.resolved_at IS NULL`,
    );
    await sensor.schema.pool.query(`UPDATE incidents SET updated_at = now() WHERE status = 'remediating'`);
    expect(await oldest()).toBeGreaterThanOrEqual(7200);
  });
});

describe('start-up with a bad sensor file', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-sensor-bad-'));
    await mkdir(join(dir, 'sensors'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fails naming the file, the line and the path, before touching the broker or the database', async () => {
    const bad = degradedSensor.replace("target: '{{ data.service }}'", "target: '{{ data.service }'");
    await writeFile(join(dir, 'sensors', 'broken.yaml'), bad);
    const config = loadSensorConfig({
      HUB_CONFIG_DIR: dir,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      AMQP_URL: 'amqp://nobody@127.0.0.1:1',
    });
    const error = await createSensorApp(config, { logger: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSensorsError);
    expect((error as Error).message).toContain(
      `${join(dir, 'sensors', 'broken.yaml')}:18 spec.triggers.0.action.target: "{{ data.service }" has an unmatched`,
    );
  });
});
