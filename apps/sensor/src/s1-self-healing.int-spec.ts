import { type NotificationRequested } from '@hub/contracts';
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

describe('S1 self-healing with the shipped slo-remediation sensor', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor();
  });

  afterAll(async () => {
    await sensor?.close();
  });

  const incidentsOf = (key: string) => incidentsOfKey(sensor.schema, key);

  it('goes firing → remediating → remediated → resolved with one argocd.sync', async () => {
    const fp = fingerprint();
    const firing = alertEvent('firing', argocdLabels(), fp);
    await sensor.publish(firing);

    const opened = await sensor.received(3);
    expect(opened.map((e) => e.type)).toEqual([
      'notification.requested',
      'action.requested.argocd.sync',
      'notification.requested',
    ]);
    const incident = (await incidentsOf(fp))[0]!;
    const request = opened[1]!;
    expect(request).toMatchObject({
      source: '/sensor/slo-remediation',
      subject: 'payments-api',
      incidentkey: fp,
      correlationid: incident.id,
      data: {
        actionId: incident.action_id,
        kind: 'argocd.sync',
        target: 'payments-api',
        params: { name: 'payments-api', namespace: 'payments' },
        dryRun: false,
      },
    });
    const firingNote = opened[0]!.data as NotificationRequested;
    expect(opened[0]).toMatchObject({ incidentkey: fp, correlationid: incident.id });
    expect(firingNote).toEqual({
      incidentKey: fp,
      incidentId: incident.id,
      sequence: 1,
      state: 'firing',
      title: 'ArgoCDApplicationUnhealthy — payments-api',
      text: 'ArgoCDApplicationUnhealthy on payments-api',
      severity: 'warning',
      team: 'platform',
      fields: {
        sensor: 'slo-remediation',
        alertname: 'ArgoCDApplicationUnhealthy',
        app: 'payments-api',
        namespace: 'payments',
        fireCount: '1',
      },
      links: [
        { title: 'Alert source', url: 'http://prometheus.monitoring.svc:9090/graph?g0.expr=argocd_app_info' },
        { title: 'Alertmanager', url: 'http://alertmanager.monitoring.svc:9093' },
      ],
      route: 'default',
      kind: 'incident',
      mention: false,
    });
    expect(opened[2]!.data).toMatchObject({
      sequence: 2,
      state: 'remediating',
      text: 'remediation started: argocd.sync payments-api',
      fields: { action: 'argocd.sync', target: 'payments-api', app: 'payments-api' },
    });

    await sensor.publish(actionResult(request, true));
    const [remediated] = await sensor.received(1);
    expect(remediated).toMatchObject({ incidentkey: fp, correlationid: incident.id });
    expect(remediated!.data).toMatchObject({
      sequence: 3,
      state: 'remediated',
      severity: 'info',
      text: 'remediation succeeded: argocd.sync payments-api',
      fields: { attempts: '1', durationMs: '1234' },
    });

    await sensor.publish(alertEvent('resolved', argocdLabels(), fp, { endsAt: '2025-11-20T09:31:02.540Z' }));
    const [resolved] = await sensor.received(1);
    expect(resolved!.data).toMatchObject({ sequence: 4, state: 'resolved', route: 'default' });
    expect((resolved!.data as NotificationRequested).text).toMatch(
      /^resolved after .+ \(remediated by argocd.sync payments-api\)$/,
    );

    const closed = (await incidentsOf(fp))[0]!;
    expect(closed).toMatchObject({
      status: 'resolved',
      sequence: 4,
      fire_count: 1,
      action_id: request.data && incident.action_id,
    });
    expect(closed.resolved_at).toBeInstanceOf(Date);
    expect(closed.remediated_at).toBeInstanceOf(Date);
    const history = await sensor.schema.pool.query<{ status: string }>(
      'SELECT status FROM incident_history WHERE incident_id = $1 ORDER BY id',
      [incident.id],
    );
    expect(history.rows.map((r) => r.status)).toEqual(['firing', 'remediating', 'remediated', 'resolved']);
    expect(await sensor.unexpected()).toEqual([]);
  });

  it('requests exactly one action for a storm of 20 identical alerts, handled concurrently by two replicas', async () => {
    const replica = await sensor.startReplica();
    try {
      const fp = fingerprint();
      const storm = Array.from({ length: 20 }, () => alertEvent('firing', argocdLabels('ledger', 'finance'), fp));
      await sensor.publish(...storm);

      const events = await sensor.received(3);
      expect(events.filter((e) => e.type.startsWith('action.requested.'))).toHaveLength(1);
      expect(states(events)).toEqual([
        ['firing', 1],
        ['remediating', 2],
      ]);
      await expect.poll(async () => (await incidentsOf(fp))[0]?.fire_count, { timeout: 15_000 }).toBe(20);
      expect(await incidentsOf(fp)).toHaveLength(1);
      expect(await sensor.unexpected()).toEqual([]);
    } finally {
      await replica.close();
    }
  });

  it('does a redelivered event once', async () => {
    const fp = fingerprint();
    const firing = alertEvent('firing', argocdLabels('billing', 'finance'), fp);
    await sensor.publish(firing);
    await sensor.received(3);
    await sensor.publish(firing, firing);
    expect(await sensor.unexpected()).toEqual([]);
    expect((await incidentsOf(fp))[0]).toMatchObject({ fire_count: 1, status: 'remediating' });
  });

  it('does nothing for an alert no sensor matches, and acks it', async () => {
    const fp = fingerprint();
    await sensor.publish(alertEvent('firing', { ...argocdLabels(), slo: 'something-else' }, fp));
    await sensor.publish(alertEvent('resolved', { ...argocdLabels(), slo: 'something-else' }, fp));
    expect(await sensor.unexpected()).toEqual([]);
    expect(await incidentsOf(fp)).toEqual([]);
    expect(await sensor.parked()).toBe(0);
  });

  it('acks and ignores results of actions it never asked for', async () => {
    const stranger = alertEvent('firing', argocdLabels(), 'nobody');
    const request = {
      ...stranger,
      data: { actionId: 'unknown-action', kind: 'argocd.sync', target: 'x', dryRun: false },
    };
    await sensor.publish(actionResult(request, true), actionResult(request, false, 'boom'));
    expect(await sensor.unexpected()).toEqual([]);
    expect(await sensor.parked()).toBe(0);
  });

  it('S2: an ExternalSecret that stopped syncing gets one externalsecret.refresh of namespace/name', async () => {
    const fp = fingerprint();
    const labels = {
      alertname: 'ExternalSecretNotSynced',
      slo: 'externalsecret-sync',
      name: 'payments-db-credentials',
      namespace: 'payments',
      condition: 'Ready',
      status: 'False',
      severity: 'warning',
    };
    await sensor.publish(alertEvent('firing', labels, fp));
    const events = await sensor.received(3);
    const request = events.find((e) => e.type === 'action.requested.externalsecret.refresh');
    expect(request).toMatchObject({
      source: '/sensor/externalsecret-refresh',
      incidentkey: fp,
      data: {
        kind: 'externalsecret.refresh',
        target: 'payments/payments-db-credentials',
        params: { name: 'payments-db-credentials', namespace: 'payments' },
        dryRun: false,
      },
    });
    expect(states(events)).toEqual([
      ['firing', 1],
      ['remediating', 2],
    ]);
    expect(events[0]!.data).toMatchObject({
      title: 'ExternalSecretNotSynced — payments/payments-db-credentials',
      fields: { externalSecret: 'payments-db-credentials', namespace: 'payments' },
    });
  });
});
