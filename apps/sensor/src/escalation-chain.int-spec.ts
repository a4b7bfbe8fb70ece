import { type NotificationRequested } from '@hub/contracts';
import {
  actionResult,
  alertEvent,
  fingerprint,
  type SensorHarness,
  startSensor,
  states,
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
      retry: { attempts: 2 }
  escalation:
    route: oncall
    steps:
      - { after: 1s, route: oncall-secondary, text: nobody answered }
      - { after: 1s, route: pager, mention: true }
`;

const LIMITED = `apiVersion: hub/v1
kind: Sensor
metadata: { name: limited }
spec:
  dependencies:
    - name: alert
      eventType: alert.firing
      filters: [{ path: data.labels.slo, op: eq, value: limited }]
  incident:
    title: 'Limited {{ data.labels.name }}'
  triggers:
    - name: restart
      action: { kind: kubernetes.rollout-restart, target: '{{ data.labels.name }}' }
      rateLimit: { max: 1, per: 1h }
`;

describe('trigger policies and escalation chains', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({ extra: { 'chain.yaml': CHAIN, 'limited.yaml': LIMITED } }, { SENSOR_SWEEP_MS: '200' });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  /** Fires, lets both attempts fail, and returns once the incident escalated. */
  async function escalateAfterRetry(fp: string) {
    await sensor.publish(alertEvent('firing', { alertname: 'X', slo: 'chain', name: 'web' }, fp));
    const first = (await sensor.received(3)).find((e) => e.type.startsWith('action.requested'))!;
    await sensor.publish(actionResult(first, false, 'boom'));
    const retried = await sensor.received(3);
    expect(states(retried)).toEqual([
      ['remediation-failed', 3],
      ['remediating', 4],
    ]);
    const second = retried.find((e) => e.type.startsWith('action.requested'))!;
    expect((second.data as { actionId: string }).actionId).not.toBe((first.data as { actionId: string }).actionId);
    expect(
      retried.find(
        (e) => e.type === 'notification.requested' && (e.data as NotificationRequested).state === 'remediating',
      )!.data,
    ).toMatchObject({
      text: 'remediation started: argocd.sync web (attempt 2 of 2)',
    });
    await sensor.publish(actionResult(second, false, 'boom again'));
    expect(states(await sensor.received(2))).toEqual([
      ['remediation-failed', 5],
      ['escalated', 6],
    ]);
  }

  it('retries the remediation per its policy, then escalates and runs the chain step by step', async () => {
    const fp = fingerprint();
    await escalateAfterRetry(fp);
    const [step1] = await sensor.received(1);
    expect(step1!.data).toMatchObject({
      state: 'escalated',
      sequence: 7,
      route: 'oncall-secondary',
      mention: true,
      text: 'escalation step 1 → oncall-secondary: nobody answered',
      fields: { escalationStep: '1' },
    });
    const [step2] = await sensor.received(1);
    expect(step2!.data).toMatchObject({ sequence: 8, route: 'pager', severity: 'critical', mention: true });
    expect(await sensor.unexpected(1_500)).toEqual([]); // the chain has two steps
  });

  it('stops the chain when the incident resolves', async () => {
    const fp = fingerprint();
    await escalateAfterRetry(fp);
    await sensor.publish(alertEvent('resolved', { alertname: 'X', slo: 'chain', name: 'web' }, fp));
    const events = await sensor.received(1);
    expect(states(events)).toEqual([['resolved', 7]]);
    expect(await sensor.unexpected(1_500)).toEqual([]);
  });

  it('holds a remediation back when its trigger reached its rate limit', async () => {
    await sensor.publish(alertEvent('firing', { alertname: 'Y', slo: 'limited', name: 'a' }, fingerprint()));
    const first = await sensor.received(3);
    expect(first.map((e) => e.type)).toContain('action.requested.kubernetes.rollout-restart');
    await sensor.publish(alertEvent('firing', { alertname: 'Y', slo: 'limited', name: 'b' }, fingerprint()));
    const [firing] = await sensor.received(1);
    expect((firing!.data as NotificationRequested).text).toContain('trigger restart reached its rate limit (1 per 1h)');
    expect(await sensor.unexpected()).toEqual([]);
  });
});
