import { HubHeaders } from '@hub/messaging';
import { actionResult, scheduleFired, type SensorHarness, startSensor, states } from './__tests__/sensor.harness.js';

const reasonOf = (message: { properties: { headers?: Record<string, unknown> } }) =>
  String(message.properties.headers?.[HubHeaders.deadLetterReason]);

const backup = { namespace: 'backups', workflowTemplate: 'nightly-backup', retentionDays: '30' };

describe('sensor: schedules and action results only from their issuers', () => {
  let sensor: SensorHarness;

  beforeAll(async () => {
    sensor = await startSensor({ only: ['nightly-backup.yaml'] });
  });

  afterAll(async () => {
    await sensor?.close();
  });

  it('parks a schedule.fired not from the scheduler, and requests nothing', async () => {
    const forged = scheduleFired('nightly-backup', '2026-06-01T00:00:00.000Z', backup, 'backstage');
    await sensor.publish(forged);
    expect(reasonOf(await sensor.parkedMessage(forged.id))).toContain(
      '"schedule.fired.nightly-backup" from hubsource "backstage": only "scheduler" may issue it',
    );
    expect(await sensor.unexpected()).toEqual([]);
  });

  it('parks an action result not from the executor, and leaves the incident as it was', async () => {
    await sensor.publish(scheduleFired('nightly-backup', '2026-06-02T00:00:00.000Z', backup));
    const opened = await sensor.received(3);
    const request = opened.find((e) => e.type.startsWith('action.requested.'))!;
    expect(request.hubsource).toBe('sensor');
    const forged = { ...actionResult(request, true), hubsource: 'sensor' };
    await sensor.publish(forged);
    expect(reasonOf(await sensor.parkedMessage(forged.id))).toContain(
      '"action.succeeded" from hubsource "sensor": only "remediation-executor" may issue it',
    );
    expect(await sensor.unexpected()).toEqual([]);
    await sensor.publish(actionResult(request, true));
    expect(states(await sensor.received(2))).toEqual([
      ['remediated', 3],
      ['resolved', 4],
    ]);
  });
});
