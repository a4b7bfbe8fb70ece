import { ExecutorHarness } from './__tests__/executor.harness.js';

describe('externalsecret.refresh (S2) through the bus', () => {
  let hub: ExecutorHarness;

  beforeAll(async () => {
    hub = await ExecutorHarness.start();
    hub.kube.addExternalSecret('payments', 'db-credentials');
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('merge-patches the force-sync annotation once and reports action.succeeded', async () => {
    const request = await hub.request('externalsecret.refresh', 'payments/db-credentials', {
      params: { name: 'db-credentials', namespace: 'payments' },
      incidentkey: 'fp-es',
      correlationid: 'incident-7',
    });
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({
      type: 'action.succeeded',
      incidentkey: 'fp-es',
      correlationid: 'incident-7',
      data: { kind: 'externalsecret.refresh', attempts: 1, details: { externalSecret: 'payments/db-credentials' } },
    });
    expect(hub.kube.patches).toHaveLength(1);
    expect(hub.kube.patches[0]).toMatchObject({
      namespace: 'payments',
      name: 'db-credentials',
      contentType: 'application/merge-patch+json',
      body: { metadata: { annotations: { 'force-sync': event.data.details['force-sync'] } } },
    });
    expect(hub.kube.externalSecret('payments', 'db-credentials')?.status).toMatchObject({
      conditions: [{ type: 'Ready', status: 'True' }],
    });
  });

  it('fails fast when the ExternalSecret does not exist', async () => {
    const request = await hub.request('externalsecret.refresh', 'payments/missing', {
      params: { name: 'missing', namespace: 'payments' },
    });
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.failed', data: { attempts: 1 } });
    expect(event.data.reason).toContain('externalsecrets.external-secrets.io "missing" not found');
    expect(await hub.run(request.data.actionId)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('is ready, and counts actions in /metrics', async () => {
    const { app } = hub.executor;
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toEqual({ status: 'ready' });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/hub_actions_total\{kind="externalsecret.refresh",outcome="succeeded"\} \d+/);
    expect(metrics).toMatch(/hub_actions_total\{kind="externalsecret.refresh",outcome="failed"\} \d+/);
    expect(metrics).toContain('hub_action_duration_seconds_bucket{');
    expect(metrics).toMatch(/hub_action_attempts_total\{kind="externalsecret.refresh",result="permanent"\} 1/);
  });
});
