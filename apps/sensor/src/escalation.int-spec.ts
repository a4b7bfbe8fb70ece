import { type HubEvent, type NotificationRequested, type TicketRequested } from '@hub/contracts';
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

const COOLDOWN_MS = 6_000;

describe('escalation and cooldown', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    // The sweeper, which escalates overdue incidents on time (overdue-escalation.int-spec.ts), stays
    // out of the way: here a repeat with a new id (a source other than Alertmanager) escalates.
    sensor = await startSensor(
      {
        replace: [
          ['cooldown: 10m', `cooldown: ${COOLDOWN_MS / 1000}s`],
          ['verifyAfter: 5m', 'verifyAfter: 1s'],
          ['actionTimeout: 15m', 'actionTimeout: 1s'],
        ],
      },
      { SENSOR_SWEEP_MS: String(60 * 60_000) },
    );
  });

  afterAll(async () => {
    await sensor?.close();
  });

  const incidentsOf = (key: string) => incidentsOfKey(sensor.schema, key);

  /** Fires a new alert and returns its action request once firing and remediating were notified. */
  async function fireAndRemediate(fp: string) {
    await sensor.publish(alertEvent('firing', argocdLabels(), fp));
    const events = await sensor.received(3);
    expect(states(events)).toEqual([
      ['firing', 1],
      ['remediating', 2],
    ]);
    return events.find((e) => e.type === 'action.requested.argocd.sync')!;
  }

  it('escalates to on-call when the remediation fails', async () => {
    const fp = fingerprint();
    const request = await fireAndRemediate(fp);
    await sensor.publish(actionResult(request, false, 'sync failed: ComparisonError'));

    const [failed, escalated, ticket, diagnostics] = await sensor.received(4);
    expectDiagnostics(diagnostics);
    expect(failed!.data).toMatchObject({
      sequence: 3,
      state: 'remediation-failed',
      text: 'remediation failed: argocd.sync payments-api — sync failed: ComparisonError',
      fields: { reason: 'sync failed: ComparisonError', attempts: '3' },
      route: 'default',
    });
    expect(escalated!.data).toMatchObject({
      sequence: 4,
      state: 'escalated',
      route: 'oncall',
      severity: 'critical',
      text: 'escalated to oncall: remediation failed: sync failed: ComparisonError',
    });
    expect(escalated).toMatchObject({ incidentkey: fp, correlationid: request.correlationid });
    expect(escalated!.data).toMatchObject({ team: 'platform', mention: true });
    // The shipped sensor has `ticket: { when: escalation }`: one ticket, with the incident's story.
    expect(ticket).toMatchObject({ type: 'ticket.requested', incidentkey: fp, correlationid: request.correlationid });
    expect(ticket!.data).toMatchObject({
      operation: 'open',
      fingerprint: fp,
      team: 'platform',
      state: 'escalated',
      summary: 'ArgoCDApplicationUnhealthy — payments-api',
      reason: 'remediation failed: sync failed: ComparisonError',
    });
    expect((ticket!.data as TicketRequested).timeline.map((t) => t.state)).toEqual([
      'firing',
      'remediating',
      'remediation-failed',
      'escalated',
    ]);

    await sensor.publish(alertEvent('firing', argocdLabels(), fp), actionResult(request, false, 'again'));
    expect(await sensor.unexpected()).toEqual([]);
    expect((await incidentsOf(fp))[0]).toMatchObject({ status: 'escalated', fire_count: 2 });
  });

  it('escalates once on a repeat that arrives verifyAfter after a successful fix', async () => {
    const fp = fingerprint();
    const request = await fireAndRemediate(fp);
    await sensor.publish(actionResult(request, true));
    expect(states(await sensor.received(1))).toEqual([['remediated', 3]]);

    const remediated = (await incidentsOf(fp))[0]!;
    await waitUntil(remediated.remediated_at!.getTime() + 1_000);
    await sensor.publish(alertEvent('firing', argocdLabels(), fp));
    const [escalated, ticket, diagnostics] = await sensor.received(3);
    expectDiagnostics(diagnostics);
    expect(escalated!.data).toMatchObject({ sequence: 4, state: 'escalated', route: 'oncall', severity: 'critical' });
    expect(ticket!.data).toMatchObject({ operation: 'open', fingerprint: fp });
    expect((escalated!.data as NotificationRequested).text).toMatch(
      /^escalated to oncall: still firing \d+(\.\d+)?s after argocd.sync payments-api succeeded$/,
    );

    await sensor.publish(alertEvent('firing', argocdLabels(), fp));
    expect(await sensor.unexpected()).toEqual([]);
    expect((await incidentsOf(fp))[0]).toMatchObject({ status: 'escalated', sequence: 4 });
  });

  it('escalates once on a repeat that arrives actionTimeout after a remediation that never reported', async () => {
    const fp = fingerprint();
    const request = await fireAndRemediate(fp);
    const remediating = (await incidentsOf(fp))[0]!;
    await waitUntil(remediating.opened_at.getTime() + 1_000);
    await sensor.publish(alertEvent('firing', argocdLabels(), fp));
    const [escalated, ticket, diagnostics] = await sensor.received(3);
    expectDiagnostics(diagnostics);
    expect(escalated!.data).toMatchObject({ sequence: 3, state: 'escalated', route: 'oncall' });
    expect(ticket!.data).toMatchObject({ operation: 'open', fingerprint: fp });
    expect((escalated!.data as NotificationRequested).text).toMatch(
      /^escalated to oncall: no result from argocd.sync payments-api within \d+(\.\d+)?s$/,
    );

    await sensor.publish(alertEvent('firing', argocdLabels(), fp), actionResult(request, true));
    expect(await sensor.unexpected()).toEqual([]);
    expect((await incidentsOf(fp))[0]).toMatchObject({ status: 'escalated', sequence: 3 });

    // The resolution closes the ticket the escalation opened.
    await sensor.publish(alertEvent('resolved', argocdLabels(), fp));
    const [resolved, closing] = await sensor.received(2);
    expect(states([resolved!])).toEqual([['resolved', 4]]);
    expect(closing!.data).toMatchObject({ operation: 'resolve', fingerprint: fp, state: 'resolved' });
  });

  it('keeps the cooldown across incidents of the same key, then remediates on a repeat once it is over', async () => {
    const fp = fingerprint();
    const request = await fireAndRemediate(fp);
    await sensor.publish(actionResult(request, true));
    await sensor.received(1);
    await sensor.publish(alertEvent('resolved', argocdLabels(), fp));
    expect(states(await sensor.received(1))).toEqual([['resolved', 4]]);

    await sensor.publish(alertEvent('firing', argocdLabels(), fp));
    const [again] = await sensor.received(1);
    const first = (await incidentsOf(fp))[0]!;
    expect(again!.data).toMatchObject({ state: 'firing', sequence: 1 });
    expect((again!.data as NotificationRequested).incidentId).not.toBe(first.id);
    expect((again!.data as NotificationRequested).text).toContain('remediation held back');
    expect(await sensor.unexpected()).toEqual([]);

    const started = await sensor.schema.pool.query<{ at: Date }>(
      `SELECT h.at FROM incident_history h WHERE h.incident_id = $1 AND h.status = 'remediating'`,
      [first.id],
    );
    await waitUntil(started.rows[0]!.at.getTime() + COOLDOWN_MS);
    await sensor.publish(alertEvent('firing', argocdLabels(), fp));
    const events = await sensor.received(2);
    expect(events.map((e) => e.type)).toEqual(['action.requested.argocd.sync', 'notification.requested']);
    expect(states(events)).toEqual([['remediating', 2]]);
    const incidents = await incidentsOf(fp);
    expect(incidents.map((i) => [i.status, i.fire_count])).toEqual([
      ['resolved', 1],
      ['remediating', 2],
    ]);
  });

  it('reports an event lacking a value a template needs, acks it, and opens nothing', async () => {
    const fp = fingerprint();
    const { dest_namespace: _missing, ...labels } = argocdLabels();
    await sensor.publish(alertEvent('firing', labels, fp));
    expect(await sensor.unexpected()).toEqual([]);
    expect(await incidentsOf(fp)).toEqual([]);
    expect(await sensor.parked()).toBe(0);
  });
});

/** Sleeps until the wall clock passes `at` (ms since the epoch), plus a little. */
async function waitUntil(at: number): Promise<void> {
  const wait = at - Date.now() + 100;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

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
