import { HubHeaders } from '@hub/messaging';
import { ExecutorHarness, requestEvent } from './__tests__/executor.harness.js';

const reasonOf = (message: { properties: { headers?: Record<string, unknown> } }) =>
  String(message.properties.headers?.[HubHeaders.deadLetterReason]);

describe('forged action requests are parked, never run', () => {
  let hub: ExecutorHarness;

  beforeAll(async () => {
    hub = await ExecutorHarness.start();
    hub.argo.addApplication('payments-api', { phases: ['Succeeded'] });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('parks a request whose hubsource is not the sensor, naming type and hubsource', async () => {
    hub.kube.addNamespace('payments', { team: 'payments' }, new Date('2020-01-01T00:00:00Z'));
    const forged = requestEvent('namespaces.cleanup-preview', 'team=payments', {
      params: { labelSelector: 'team=payments', maxAgeDays: 1 },
      hubsource: 'backstage',
    });
    await hub.publish(forged);
    const parked = await hub.parked(forged.id);
    expect(reasonOf(parked)).toContain(
      '"action.requested.namespaces.cleanup-preview" from hubsource "backstage": only "sensor" may issue it',
    );
    const unsigned = requestEvent('argocd.sync', 'payments-api', { hubsource: undefined });
    await hub.publish(unsigned);
    expect(reasonOf(await hub.parked(unsigned.id))).toContain('from an event without hubsource');
    expect(hub.kube.deletedNamespaces).toEqual([]);
    expect(hub.argo.syncsOf('payments-api')).toEqual([]);
    expect(await hub.run(forged.data.actionId)).toBeUndefined();
    expect(hub.resultsOf(forged.data.actionId)).toEqual([]);
  });

  it('parks a request whose type does not name its kind', async () => {
    const real = requestEvent('argocd.sync', 'payments-api');
    const mismatched = { ...real, type: 'action.requested.quota.team-report' };
    await hub.publish(mismatched);
    const parked = await hub.parked(mismatched.id);
    expect(reasonOf(parked)).toContain('"action.requested.quota.team-report"');
    expect(reasonOf(parked)).toContain('does not match data.kind "argocd.sync"');
    expect(hub.argo.syncsOf('payments-api')).toEqual([]);
    expect(await hub.run(real.data.actionId)).toBeUndefined();
  });

  it('still runs a request from the sensor', async () => {
    const request = await hub.request('argocd.sync', 'payments-api');
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.succeeded', hubsource: 'remediation-executor' });
  });
});
