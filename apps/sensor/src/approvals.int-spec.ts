import {
  createEvent,
  type DecisionMade,
  eventIdentity,
  type HubEvent,
  HubIssuer,
  type NotificationRequested,
} from '@hub/contracts';
import { waitFor } from '@hub/testing';
import { ApprovalSweeper } from './approvals/approval.sweeper.js';
import {
  alertEvent,
  argocdLabels,
  createSensorWorld,
  fingerprint,
  type SensorProcess,
  type SensorWorld,
  startSensor,
  startSensorProcess,
} from './__tests__/sensor.harness.js';

const GATED = `apiVersion: hub/v1
kind: Sensor
metadata: { name: gated-sync }
spec:
  dependencies:
    - name: alert
      eventType: alert.firing
      filters: [{ path: data.labels.slo, op: eq, value: gated-sync }]
  incident:
    key: '{{ data.fingerprint }}'
    title: 'gated sync of {{ data.labels.name }}'
  triggers:
    - name: sync-app
      action: { kind: argocd.sync, target: '{{ data.labels.name }}' }
      approval: { approvers: payments, timeout: 30m, onTimeout: deny }
`;

const gatedAlert = (fp: string) => alertEvent('firing', { ...argocdLabels(), slo: 'gated-sync' }, fp);

const decision = (approvalId: string, kind: 'approve' | 'deny', by: string): HubEvent<DecisionMade> =>
  createEvent({
    type: 'decision.made',
    source: '/gateway/api',
    hubsource: HubIssuer.gateway,
    subject: approvalId,
    data: { decision: kind, approvalId, by, via: 'api' },
  });

const texts = (events: readonly HubEvent[]) =>
  events.filter((e) => e.type === 'notification.requested').map((e) => (e.data as NotificationRequested).text);

describe('approval gates: the remediation waits in PostgreSQL for one decision', () => {
  let world: SensorWorld;
  const processes: SensorProcess[] = [];

  beforeAll(async () => {
    world = await createSensorWorld({ only: ['slo-remediation.yaml'], extra: { 'gated.yaml': GATED } });
  });

  afterAll(async () => {
    for (const p of processes) await p.kill();
    await world?.close();
  });

  const start = async () => {
    const sensor = startSensorProcess(world);
    processes.push(sensor);
    await sensor.ready();
    return sensor;
  };
  const approvalsOf = async (key: string) =>
    (
      await world.schema.pool.query<{ id: string; state: string; decided_by: string | null }>(
        'SELECT id, state, decided_by FROM approvals WHERE incident_key = $1',
        [key],
      )
    ).rows;

  it('survives a crash of the sensor, and two replicas given two decisions apply exactly one', async () => {
    const first = await start();
    const fp = fingerprint();
    await world.publish(gatedAlert(fp));
    const opened = await world.received(2);
    expect(opened.map((e) => e.type)).toEqual(['notification.requested', 'notification.requested']);
    expect(texts(opened)[1]).toMatch(/^waiting for approval by payments: argocd\.sync payments-api/);
    const [waiting] = await approvalsOf(fp);
    expect(waiting?.state).toBe('waiting');

    await first.kill(); // no graceful shutdown: the wait is only in PostgreSQL
    await Promise.all([start(), start()]);
    const decisions = [decision(waiting!.id, 'approve', 'alice'), decision(waiting!.id, 'deny', 'bob')];
    await world.publish(...decisions);
    const [decided] = await waitFor('one decision', async () => {
      const rows = await approvalsOf(fp);
      return rows[0]?.state !== 'waiting' ? rows : undefined;
    });
    await waitFor('both decisions handled', async () => {
      const { rows } = await world.schema.pool.query(
        'SELECT 1 FROM hub_processed_events WHERE event_id = ANY($1::text[])',
        [decisions.map((d) => eventIdentity(d))],
      );
      return rows.length === 2;
    });
    const after = await world.received(decided?.state === 'approved' ? 2 : 1);
    if (decided?.state === 'approved') {
      expect(decided.decided_by).toBe('alice');
      expect(after.map((e) => e.type).sort()).toEqual(['action.requested.argocd.sync', 'notification.requested']);
      expect(texts(after)).toEqual(['approved by @alice: starting argocd.sync payments-api']);
    } else {
      expect(decided).toMatchObject({ state: 'denied', decided_by: 'bob' });
      expect(texts(after)).toEqual(['denied by @bob: argocd.sync payments-api not run']);
    }
    expect(await world.unexpected(1_000)).toEqual([]);
  }, 240_000);
});

describe('approval timeouts: the sweeper decides once, however many sweep', () => {
  it('denies on timeout (onTimeout: deny) once when two sweeps race, and a later click changes nothing', async () => {
    const sensor = await startSensor({ only: ['slo-remediation.yaml'], extra: { 'gated.yaml': GATED } });
    try {
      const fp = fingerprint();
      await sensor.publish(gatedAlert(fp));
      await sensor.received(2);
      const sweeper = sensor.app.get(ApprovalSweeper);
      const later = new Date(Date.now() + 31 * 60_000);
      const ran = await Promise.all([sweeper.sweep(later), sweeper.sweep(later)]);
      expect(ran[0] + ran[1]).toBe(1);
      const [timedOut] = await sensor.received(1);
      expect((timedOut?.data as NotificationRequested).text).toBe(
        'no decision by payments in time: argocd.sync payments-api denied (onTimeout)',
      );
      const { rows } = await sensor.schema.pool.query('SELECT id, state FROM approvals WHERE incident_key = $1', [fp]);
      expect(rows).toMatchObject([{ state: 'timed-out' }]);
      await sensor.publish(decision((rows[0] as { id: string }).id, 'approve', 'alice'));
      expect(await sensor.unexpected(1_000)).toEqual([]);
    } finally {
      await sensor.close();
    }
  });
});
