import { type ActionRequested, createEvent, type HubEvent, type NotificationRequested } from '@hub/contracts';
import { parseSensorFile } from '../../definitions/sensor-loader.js';
import { type Sensor } from '../../definitions/sensor.schema.js';
import { escalationTimeouts, planIncident } from '../../matching/incident-plan.js';
import { SensorMetrics } from '../../metrics/sensor.metrics.js';
import { MemorySensorStores } from '../../stores/memory-sensor-stores.js';
import { IncidentService } from '../incident.service.js';

const sensorYaml = (incident = '', trigger = '', spec = '') => `apiVersion: hub/v1
kind: Sensor
metadata: { name: app-health }
spec:
  dependencies:
    - { name: alert, eventType: alert.firing }
  incident:
    key: 'app/{{ data.labels.app }}'
    title: '{{ data.labels.app }} is unhealthy'
    text: '{{ data.labels.app }} is firing'${incident}
  triggers:
    - name: sync
      action: { kind: argocd.sync, target: '{{ data.labels.app }}' }${trigger}
  escalation:
    route: oncall
    steps:
      - { after: 10m, route: management, text: still open }${spec}
`;

function sensorOf(text: string): Sensor {
  const { sensors, problems } = parseSensorFile('s.yaml', text);
  expect(problems).toEqual([]);
  return sensors[0]!.sensor;
}

const T0 = Date.parse('2026-12-01T10:00:00Z');
const minutes = (n: number) => new Date(T0 + n * 60_000);

const alert = (at: Date, startsAt = minutes(0), app = 'checkout') =>
  createEvent({
    type: 'alert.firing',
    source: '/test',
    time: at.toISOString(),
    startedat: startsAt.toISOString(),
    data: { labels: { app }, annotations: {} },
  });

const resolved = (at: Date, startsAt = minutes(0)) =>
  createEvent({
    type: 'alert.resolved',
    source: '/test',
    time: at.toISOString(),
    startedat: startsAt.toISOString(),
    data: { labels: { app: 'checkout' }, annotations: {} },
  });

/** `state text` of each notification, `action kind target` of each request. */
function said(events: readonly HubEvent[]): string[] {
  return events.map((e) => {
    if (e.type === 'notification.requested') {
      const data = e.data as NotificationRequested;
      return `${data.state}: ${data.text}`;
    }
    const data = e.data as ActionRequested;
    return `${e.type} ${data.target}`;
  });
}

function actionIdOf(events: readonly HubEvent[]): string {
  const request = events.find((e) => e.type.startsWith('action.requested.'));
  return (request!.data as ActionRequested).actionId;
}

/** The state machine itself, over memory stores and a driven clock: no database, no broker. */
describe(IncidentService.name, () => {
  let now: Date;
  let stores: MemorySensorStores;
  let sut: IncidentService;

  beforeEach(() => {
    now = minutes(0);
    stores = new MemorySensorStores();
    sut = new IncidentService(new SensorMetrics(), () => now);
  });

  const trigger = (sensor: Sensor, event: HubEvent) =>
    sut.onTriggered(stores, planIncident(sensor, sensor.spec.dependencies[0]!, event, { forceDryRun: false }), event);

  const result = (events: readonly HubEvent[], succeeded: boolean, reason?: string) => {
    const actionId = actionIdOf(events);
    const data = {
      actionId,
      kind: 'argocd.sync',
      target: 'checkout',
      attempts: 1,
      durationMs: 5,
      dryRun: false,
      details: {},
      ...(reason ? { reason } : {}),
    };
    const event = createEvent({ type: succeeded ? 'action.succeeded' : 'action.failed', source: '/executor', data });
    return sut.onActionResult(stores, { result: data, succeeded, event });
  };

  it('none → firing → remediating → remediated → resolved', async () => {
    const sensor = sensorOf(sensorYaml());
    const opened = await trigger(sensor, alert(now));
    expect(opened.outcome).toBe('triggered');
    expect(said(opened.events)).toEqual([
      'firing: checkout is firing',
      'action.requested.argocd.sync checkout',
      'remediating: remediation started: argocd.sync checkout',
    ]);
    now = minutes(1);
    expect(said(await result(opened.events, true))).toEqual([
      'remediated: remediation succeeded: argocd.sync checkout',
    ]);
    now = minutes(2);
    const closed = await sut.onResolved(stores, { sensor: 'app-health', key: 'app/checkout' }, resolved(now));
    expect(said(closed.events)).toEqual(['resolved: resolved after 2m (remediated by argocd.sync checkout)']);
    expect(await stores.incidents.findOpen('app/checkout')).toBeUndefined();
  });

  it('counts a repeat while remediating, and escalates one that comes after actionTimeout', async () => {
    const sensor = sensorOf(sensorYaml('\n    actionTimeout: 5m'));
    await trigger(sensor, alert(now));
    now = minutes(1);
    expect(await trigger(sensor, alert(now))).toMatchObject({
      outcome: 'repeat',
      why: 'incident app/checkout is remediating; repeat counted',
    });
    now = minutes(6);
    const late = await trigger(sensor, alert(now));
    expect(said(late.events)).toEqual([expect.stringMatching(/^escalated: escalated to oncall: no result .*/)]);
    expect((await stores.incidents.findOpen('app/checkout'))?.fire_count).toBe(3);
  });

  it('remediation-failed retries up to retry.attempts, then escalates', async () => {
    const sensor = sensorOf(sensorYaml('', '\n      retry: { attempts: 2 }'));
    const opened = await trigger(sensor, alert(now));
    const retried = await result(opened.events, false, 'out of sync');
    expect(said(retried)).toEqual([
      'remediation-failed: remediation failed: argocd.sync checkout — out of sync',
      'action.requested.argocd.sync checkout',
      'remediating: remediation started: argocd.sync checkout (attempt 2 of 2)',
    ]);
    expect(said(await result(retried, false, 'still out of sync'))).toEqual([
      'remediation-failed: remediation failed: argocd.sync checkout — still out of sync',
      'escalated: escalated to oncall: remediation failed: still out of sync',
    ]);
  });

  it('escalates an incident still open verifyAfter after its fix once, then runs the chain step when due', async () => {
    const sensor = sensorOf(sensorYaml('\n    verifyAfter: 5m'));
    const opened = await trigger(sensor, alert(now));
    await result(opened.events, true);
    const { id } = (await stores.incidents.findOpen('app/checkout'))!;
    const timeouts = escalationTimeouts(sensor.spec.incident!);
    expect(await sut.onOverdue(stores, { key: 'app/checkout', id, timeouts, now: minutes(4) })).toEqual([]);
    const overdue = await sut.onOverdue(stores, { key: 'app/checkout', id, timeouts, now: minutes(6) });
    expect(said(overdue)).toEqual([
      expect.stringMatching(/^escalated: escalated to oncall: still firing 6m after argocd.sync checkout succeeded/),
    ]);
    expect(await sut.onOverdue(stores, { key: 'app/checkout', id, timeouts, now: minutes(7) })).toEqual([]);
    expect(await sut.onEscalationDue(stores, { key: 'app/checkout', id, now: minutes(15) })).toEqual([]);
    const step = await sut.onEscalationDue(stores, { key: 'app/checkout', id, now: minutes(16) });
    expect(said(step)).toEqual(['escalated: escalation step 1 → management: still open']);
    expect((step[0]!.data as NotificationRequested).route).toBe('management');
  });

  it('holds the remediation of a new incident of the key back during the cooldown', async () => {
    const sensor = sensorOf(sensorYaml('\n    cooldown: 30m'));
    await trigger(sensor, alert(now));
    now = minutes(1);
    await sut.onResolved(stores, { sensor: 'app-health', key: 'app/checkout' }, resolved(now));
    now = minutes(2);
    const again = await trigger(sensor, alert(now, minutes(2)));
    expect(said(again.events)).toEqual([
      'firing: checkout is firing — remediation held back by the 30m cooldown of app/checkout (until 2026-12-01T10:30:00.000Z)',
    ]);
  });

  it('a resolution handled before its firing leaves a tombstone; a newer instance supersedes the open one', async () => {
    const sensor = sensorOf(sensorYaml());
    await sut.onResolved(stores, { sensor: 'app-health', key: 'app/checkout' }, resolved(now));
    expect(await trigger(sensor, alert(now))).toMatchObject({ outcome: 'resolved-earlier', events: [] });
    now = minutes(3);
    await trigger(sensor, alert(now, minutes(3)));
    now = minutes(4);
    const newer = await trigger(sensor, alert(now, minutes(4)));
    expect(said(newer.events).slice(0, 2)).toEqual([
      'resolved: resolved after 1m — superseded by a newer instance of the alert',
      'firing: checkout is firing',
    ]);
  });

  it('drops an identical repeat (dedup) and opens only once the window is full (aggregate)', async () => {
    const sensor = sensorOf(sensorYaml('', '', '\n  dedup: { within: 1m }\n  aggregate: { count: 2, within: 5m }'));
    expect(await trigger(sensor, alert(minutes(0)))).toMatchObject({
      outcome: 'aggregating',
      why: 'aggregating: 1 of 2 within 5m for app/checkout',
    });
    const identical = alert(minutes(0));
    expect(await trigger(sensor, identical)).toMatchObject({ outcome: 'duplicate' });
    now = minutes(2);
    expect(await trigger(sensor, alert(minutes(2), minutes(0)))).toMatchObject({ outcome: 'triggered' });
  });
});
