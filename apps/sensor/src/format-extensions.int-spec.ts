import { type NotificationRequested, type TicketRequested } from '@hub/contracts';
import { alertEvent, fingerprint, type SensorHarness, startSensor, states } from './__tests__/sensor.harness.js';

/** S4-like: a ticket as soon as the incident opens, for a named team; an action when it resolves. */
const TICKET_ON_OPEN = `apiVersion: hub/v1
kind: Sensor
metadata: { name: policy-ticket }
spec:
  dependencies:
    - name: violation
      eventType: alert.firing
      filters: [{ path: data.labels.slo, op: eq, value: policy }]
  incident:
    team: security
    title: 'Policy violation {{ data.labels.name }}'
  ticket: { when: open, labels: [policy] }
  triggers:
    - name: note-resolved
      on: resolve
      action: { kind: http.request, target: 'resolved/{{ data.labels.name }}' }
`;

/** S5-like: one team message per event, no incident. */
const NOTIFY = `apiVersion: hub/v1
kind: Sensor
metadata: { name: deploy-message }
spec:
  dependencies:
    - name: deployed
      eventType: alert.firing
      filters: [{ path: data.labels.slo, op: eq, value: deploy }]
  notify:
    team: '{{ data.labels.team }}'
    title: 'Deployed {{ data.labels.name }}'
    text: 'revision {{ data.labels.revision }}'
    fields: { revision: '{{ data.labels.revision }}' }
    links: [{ title: Argo CD, url: 'https://argocd.example/{{ data.labels.name }}' }]
`;

/** Two \`on: open\` triggers: the first remediates (tracked), the second is requested alongside. */
const TWO_TRIGGERS = `apiVersion: hub/v1
kind: Sensor
metadata: { name: two-triggers }
spec:
  dependencies:
    - name: alert
      eventType: alert.firing
      filters: [{ path: data.labels.slo, op: eq, value: two }]
  incident:
    title: 'Two {{ data.labels.name }}'
  triggers:
    - name: sync
      action: { kind: argocd.sync, target: '{{ data.labels.name }}' }
    - name: status
      action: { kind: statuspage.update, target: '{{ data.labels.name }}', params: { status: degraded } }
`;

describe('format extensions: team, ticket, notify, several triggers', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({
      extra: { 'policy.yaml': TICKET_ON_OPEN, 'notify.yaml': NOTIFY, 'two.yaml': TWO_TRIGGERS },
    });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  it('opens a ticket for the named team when the incident opens, and closes it with the resolve trigger', async () => {
    const fp = fingerprint();
    const labels = { alertname: 'PrivilegedPod', slo: 'policy', name: 'evil-pod' };
    await sensor.publish(alertEvent('firing', labels, fp));
    const [firing, ticket] = await sensor.received(2);
    expect(firing!.data).toMatchObject({ state: 'firing', team: 'security', kind: 'incident' });
    expect(ticket).toMatchObject({ type: 'ticket.requested', incidentkey: fp });
    expect(ticket!.data).toMatchObject({
      operation: 'open',
      fingerprint: fp,
      team: 'security',
      labels: ['policy'],
      summary: 'Policy violation evil-pod',
      timeline: [expect.objectContaining({ state: 'firing' })],
    } satisfies Partial<TicketRequested>);
    expect(await sensor.unexpected()).toEqual([]); // no remediation: the sensor has no `on: open` trigger

    await sensor.publish(alertEvent('resolved', labels, fp));
    const events = await sensor.received(3);
    expect(events.map((e) => e.type)).toEqual([
      'notification.requested',
      'action.requested.http.request',
      'ticket.requested',
    ]);
    expect(states(events)).toEqual([['resolved', 2]]);
    expect(events[1]!.data).toMatchObject({ target: 'resolved/evil-pod' });
    expect(events[2]!.data).toMatchObject({ operation: 'resolve', fingerprint: fp, state: 'resolved' });
  });

  it('sends one team message per matching event, without an incident', async () => {
    const fp = fingerprint();
    const event = alertEvent(
      'firing',
      { slo: 'deploy', name: 'payments-api', team: 'payments', revision: 'abc123' },
      fp,
    );
    await sensor.publish(event);
    const [message] = await sensor.received(1);
    expect(message!.data).toEqual({
      incidentKey: `deploy-message/${event.id}`,
      incidentId: event.id,
      sequence: 0,
      state: 'firing',
      title: 'Deployed payments-api',
      text: 'revision abc123',
      severity: 'info',
      fields: { sensor: 'deploy-message', revision: 'abc123' },
      links: [{ title: 'Argo CD', url: 'https://argocd.example/payments-api' }],
      route: 'default',
      kind: 'message',
      team: 'payments',
      mention: false,
    } satisfies NotificationRequested);
    await sensor.publish(event); // a redelivery is the same message: nothing new
    expect(await sensor.unexpected()).toEqual([]);
    const { rows } = await sensor.schema.pool.query('SELECT 1 FROM incidents WHERE key = $1', [fp]);
    expect(rows).toEqual([]);
  });

  it('remediates with the first open trigger and requests the second alongside it', async () => {
    const fp = fingerprint();
    await sensor.publish(alertEvent('firing', { alertname: 'X', slo: 'two', name: 'web' }, fp));
    const events = await sensor.received(4);
    expect(events.map((e) => e.type).sort()).toEqual([
      'action.requested.argocd.sync',
      'action.requested.statuspage.update',
      'notification.requested',
      'notification.requested',
    ]);
    const sync = events.find((e) => e.type === 'action.requested.argocd.sync')!;
    const { rows } = await sensor.schema.pool.query<{ action_id: string }>(
      'SELECT action_id FROM incidents WHERE key = $1',
      [fp],
    );
    expect(rows[0]!.action_id).toBe((sync.data as { actionId: string }).actionId);
  });
});
