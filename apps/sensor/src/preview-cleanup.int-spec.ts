import { type ActionRequested, type HubEvent } from '@hub/contracts';
import { scheduleFired, type SensorHarness, startSensor } from './__tests__/sensor.harness.js';

describe('preview cleanup (S7): what is deleted comes from the configuration, never from the event', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({ only: ['preview-cleanup.yaml'] });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  it('requests the configured selector, age and cap whatever params the schedule event carries', async () => {
    const attacker = { labelSelector: 'team=payments', maxAgeDays: 1, maxDeletions: 500 };
    await sensor.publish(scheduleFired('preview-cleanup', '2026-05-04T01:30:00.000Z', attacker));
    const events = await sensor.received(3);
    const request = events.find((e) => e.type === 'action.requested.namespaces.cleanup-preview') as
      HubEvent<ActionRequested> | undefined;
    expect(request?.data).toMatchObject({
      kind: 'namespaces.cleanup-preview',
      target: 'preview=true',
      params: { labelSelector: 'preview=true', maxAgeDays: '14', maxDeletions: '20' },
    });
    expect(JSON.stringify(events)).not.toContain('team=payments');
  });
});
