import { createEvent, type DecisionMade, type HubEvent, type NotificationRequested } from '@hub/contracts';
import { HubHeaders } from '@hub/messaging';
import { EscalationSweeper } from './incidents/escalation.sweeper.js';
import {
  actionResult,
  alertEvent,
  fingerprint,
  incidentsOf,
  type SensorHarness,
  startSensor,
} from './__tests__/sensor.harness.js';

const CHAIN = `apiVersion: hub/v1
kind: Sensor
metadata: { name: chain }
spec:
  dependencies:
    - name: alert
      eventType: alert.firing
      filters: [{ path: data.labels.slo, op: eq, value: chain }]
  incident:
    title: 'Chain {{ data.labels.name }}'
  triggers:
    - name: sync
      action: { kind: argocd.sync, target: '{{ data.labels.name }}' }
  escalation:
    route: oncall
    steps:
      - { after: 10m, route: pager, mention: true }
`;

const decision = (data: DecisionMade, hubsource = 'ingest-gateway'): HubEvent<DecisionMade> =>
  createEvent({ type: 'decision.made', source: '/gateway/slack', hubsource, data });

const texts = (events: readonly HubEvent[]) => events.map((e) => (e.data as NotificationRequested).text);

describe("people's decisions in the sensor", () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({ only: [], extra: { 'chain.yaml': CHAIN } });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  /** Fires and fails the remediation: the incident escalates, its chain's step is due in 10 minutes. */
  async function escalated(fp: string) {
    await sensor.publish(alertEvent('firing', { alertname: 'Chain', slo: 'chain', name: fp }, fp));
    const opened = await sensor.received(3);
    await sensor.publish(
      actionResult(
        opened.find((e) => e.type.startsWith('action.requested.'))!,
        false,
        'boom',
      ),
    );
    await sensor.received(2); // remediation-failed, escalated
    return (await incidentsOf(sensor.schema, fp))[0]!;
  }

  it('parks a decision.made that the gateway did not issue, and changes nothing', async () => {
    const fp = fingerprint();
    const incident = await escalated(fp);
    const forged = decision({ decision: 'resolve', incidentId: incident.id, by: 'mallory', via: 'slack' }, 'backstage');
    await sensor.publish(forged);
    const parked = await sensor.parkedMessage(forged.id);
    expect(String(parked.properties.headers?.[HubHeaders.deadLetterReason])).toContain(
      '"decision.made" from hubsource "backstage": only "ingest-gateway" may issue it',
    );
    expect((await incidentsOf(sensor.schema, fp))[0]?.resolved_at).toBeNull();
    // The same decision from the gateway is obeyed (and leaves no incident due for the tests below).
    await sensor.publish(decision({ decision: 'resolve', incidentId: incident.id, by: 'alice', via: 'slack' }));
    expect(texts(await sensor.received(1))[0]).toMatch(/ — resolved by @alice$/);
  });

  it('acknowledge stops the escalation chain: the due step pages nobody', async () => {
    const fp = fingerprint();
    const incident = await escalated(fp);
    await sensor.publish(decision({ decision: 'acknowledge', incidentId: incident.id, by: 'alice', via: 'slack' }));
    const [ack] = await sensor.received(1);
    expect(ack).toMatchObject({ data: { state: 'escalated', text: 'acknowledged by @alice', mention: false } });
    expect(await sensor.app.get(EscalationSweeper).sweep(new Date(Date.now() + 11 * 60_000))).toBe(0);
    expect(await sensor.unexpected()).toEqual([]);
  });

  it('silence until resolved holds the chain while the incident is open; resolve from Slack closes it', async () => {
    const fp = fingerprint();
    const incident = await escalated(fp);
    await sensor.publish(decision({ decision: 'silence', incidentId: incident.id, by: 'bob', via: 'slack' }));
    expect(texts(await sensor.received(1))).toEqual(['silenced by @bob until it resolves']);
    expect(await sensor.app.get(EscalationSweeper).sweep(new Date(Date.now() + 11 * 60_000))).toBe(0);
    await sensor.publish(decision({ decision: 'resolve', incidentId: incident.id, by: 'bob', via: 'slack' }));
    const [resolved] = await sensor.received(1);
    expect(resolved).toMatchObject({ data: { state: 'resolved' } });
    expect((resolved?.data as NotificationRequested).text).toMatch(/ — resolved by @bob$/);
    const { rows } = await sensor.schema.pool.query(
      'SELECT detail FROM incident_history WHERE incident_id = $1 ORDER BY id',
      [incident.id],
    );
    expect(rows.map((r: { detail: Record<string, unknown> }) => r.detail.why).filter(Boolean)).toEqual([
      'silenced by @bob until it resolves',
      'resolved by @bob',
    ]);
  });
});
