import { type HubEvent, type NotificationRequested } from '@hub/contracts';
import {
  actionResult,
  alertEvent,
  argocdLabels,
  fingerprint,
  incidentsOf as incidentsOfKey,
  type SensorHarness,
  startSensor,
  states,
} from './__tests__/sensor.harness.js';

const VERIFY_AFTER_MS = 1_000;
const ACTION_TIMEOUT_MS = 2_000;

/**
 * `verifyAfter` and `actionTimeout` on the sensor's clock: Alertmanager's repeat notifications carry
 * the id of the first one (the gateway's deterministic ids) and are dropped as handled, so no repeat
 * is sent here — the sweeper alone must escalate, once, even with two replicas sweeping.
 */
describe('escalation when verifyAfter or actionTimeout passes without a repeat', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor(
      {
        replace: [
          ['verifyAfter: 5m', `verifyAfter: ${VERIFY_AFTER_MS / 1000}s`],
          ['actionTimeout: 15m', `actionTimeout: ${ACTION_TIMEOUT_MS / 1000}s`],
        ],
      },
      { SENSOR_SWEEP_MS: '200' },
    );
  });

  afterAll(async () => {
    await sensor?.close();
  });

  const incidentsOf = (key: string) => incidentsOfKey(sensor.schema, key);

  /** Fires a new alert once and returns its action request once firing and remediating were notified. */
  async function fireOnce(fp: string) {
    await sensor.publish(alertEvent('firing', argocdLabels(), fp));
    const events = await sensor.received(3);
    expect(states(events)).toEqual([
      ['firing', 1],
      ['remediating', 2],
    ]);
    return events.find((e) => e.type === 'action.requested.argocd.sync')!;
  }

  it('escalates once when the incident is still open verifyAfter after a successful fix', async () => {
    const fp = fingerprint();
    await sensor.publish(actionResult(await fireOnce(fp), true));
    expect(states(await sensor.received(1))).toEqual([['remediated', 3]]);
    const remediatedAt = (await incidentsOf(fp))[0]!.remediated_at!.getTime();

    const [escalated, ticket, diagnostics] = await sensor.received(3, 10_000);
    expectDiagnostics(diagnostics);
    expect(Date.now()).toBeGreaterThanOrEqual(remediatedAt + VERIFY_AFTER_MS);
    expect(escalated!.data).toMatchObject({ sequence: 4, state: 'escalated', route: 'oncall', severity: 'critical' });
    expect((escalated!.data as NotificationRequested).text).toMatch(
      /^escalated to oncall: still firing \d+(\.\d+)?s after argocd.sync payments-api succeeded$/,
    );
    expect(ticket!.data).toMatchObject({ operation: 'open', fingerprint: fp, state: 'escalated' });

    // Further sweeps, and a repeat from a source that gives repeats new ids, escalate no more.
    await sensor.publish(alertEvent('firing', argocdLabels(), fp));
    expect(await sensor.unexpected(1_000)).toEqual([]);
    expect((await incidentsOf(fp))[0]).toMatchObject({ status: 'escalated', sequence: 4, fire_count: 2 });
  });

  it('escalates once when a remediation reports no result within actionTimeout', async () => {
    const fp = fingerprint();
    const request = await fireOnce(fp);
    const startedAt = (await incidentsOf(fp))[0]!.opened_at.getTime(); // remediation starts as it opens

    const [escalated, ticket, diagnostics] = await sensor.received(3, 10_000);
    expectDiagnostics(diagnostics);
    expect(Date.now()).toBeGreaterThanOrEqual(startedAt + ACTION_TIMEOUT_MS);
    expect(escalated!.data).toMatchObject({ sequence: 3, state: 'escalated', route: 'oncall' });
    expect((escalated!.data as NotificationRequested).text).toMatch(
      /^escalated to oncall: no result from argocd.sync payments-api within \d+(\.\d+)?s$/,
    );
    expect(ticket!.data).toMatchObject({ operation: 'open', fingerprint: fp });

    // The late result is ignored; nothing escalates a second time.
    await sensor.publish(actionResult(request, true));
    expect(await sensor.unexpected(1_000)).toEqual([]);
    expect((await incidentsOf(fp))[0]).toMatchObject({ status: 'escalated', sequence: 3 });
  });

  it('escalates each incident once with two replicas sweeping the same database', async () => {
    const replica = await sensor.startReplica();
    try {
      const fps = [fingerprint(), fingerprint(), fingerprint()];
      for (const fp of fps) await sensor.publish(alertEvent('firing', argocdLabels(), fp));
      const opened = await sensor.received(9);
      const requests = opened.filter((e) => e.type === 'action.requested.argocd.sync');
      expect(requests).toHaveLength(3);
      await sensor.publish(...requests.map((request) => actionResult(request, true)));
      expect(states(await sensor.received(3)).map(([state]) => state)).toEqual(Array(3).fill('remediated'));

      const escalations = await sensor.received(9, 10_000);
      expect(
        escalations
          .filter((e) => e.type === 'notification.requested')
          .map((e) => e.incidentkey)
          .sort(),
      ).toEqual([...fps].sort());
      expect(escalations.filter((e) => e.type === 'ticket.requested')).toHaveLength(3);
      expect(escalations.filter((e) => e.type === 'action.requested.kubernetes.diagnostics')).toHaveLength(3);
      expect(await sensor.unexpected(1_500)).toEqual([]);
      for (const fp of fps) expect((await incidentsOf(fp))[0]).toMatchObject({ status: 'escalated', sequence: 4 });
      const { rows } = await sensor.schema.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM incident_history h JOIN incidents i ON i.id = h.incident_id
         WHERE i.key = ANY($1) AND h.status = 'escalated'`,
        [fps],
      );
      expect(Number(rows[0]!.n)).toBe(3);
    } finally {
      await replica.close();
    }
  });

  it('does not escalate an incident whose alert resolved before verifyAfter', async () => {
    const fp = fingerprint();
    await sensor.publish(actionResult(await fireOnce(fp), true));
    expect(states(await sensor.received(1))).toEqual([['remediated', 3]]);
    await sensor.publish(alertEvent('resolved', argocdLabels(), fp));
    expect(states(await sensor.received(1))).toEqual([['resolved', 4]]);

    expect(await sensor.unexpected(VERIFY_AFTER_MS + 1_000)).toEqual([]);
    expect((await incidentsOf(fp))[0]).toMatchObject({ status: 'resolved', sequence: 4 });
  });
});

/** The shipped S1 sensor collects diagnostics when it escalates (escalation.diagnostics). */
function expectDiagnostics(event: HubEvent | undefined): void {
  expect(event).toMatchObject({
    type: 'action.requested.kubernetes.diagnostics',
    data: {
      kind: 'kubernetes.diagnostics',
      target: 'payments',
      params: { pods: 'app.kubernetes.io/instance=payments-api' },
    },
  });
}
