import { SpanKind } from '@opentelemetry/api';
import { FakeArgoCd, recordSpans, waitFor } from '@hub/testing';
import { type ExecutorHarness as Harness } from './__tests__/executor.harness.js';

// Telemetry first, so the executor's fetch calls are recorded as spans.
const spans = recordSpans('remediation-executor-test');
const { ExecutorHarness } = await import('./__tests__/executor.harness.js');

describe('argocd.sync (S1) through the bus', () => {
  let hub: Harness;

  beforeAll(async () => {
    hub = await ExecutorHarness.start();
    hub.argo.addApplication('payments-api', { destNamespace: 'payments' });
    hub.argo.addApplication('checkout', { appNamespace: 'team-shop', phases: ['Running', 'Running', 'Succeeded'] });
    for (const app of ['flaky-a', 'flaky-b', 'busy', 'broken', 'limited']) hub.argo.addApplication(app);
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('syncs the app once, reports action.succeeded with the incident ids, records the run, and traces the call', async () => {
    const request = await hub.request('argocd.sync', 'checkout', {
      params: { name: 'checkout', namespace: 'shop', appNamespace: 'team-shop' },
      incidentkey: 'fp-checkout',
      correlationid: 'incident-42',
    });
    const { routingKey, event } = await hub.result(request.data.actionId);

    expect(routingKey).toBe('action.succeeded');
    expect(event).toMatchObject({
      type: 'action.succeeded',
      incidentkey: 'fp-checkout',
      correlationid: 'incident-42',
      data: {
        actionId: request.data.actionId,
        kind: 'argocd.sync',
        target: 'checkout',
        attempts: 1,
        dryRun: false,
        details: { application: 'checkout', appNamespace: 'team-shop', phase: 'Succeeded' },
      },
    });
    expect(event.data.reason).toBeUndefined();
    expect(hub.argo.syncsOf('checkout')).toMatchObject([{ appNamespace: 'team-shop', appNamespaceInQuery: true }]);

    const run = await hub.run(request.data.actionId);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 1, incident_key: 'fp-checkout', dry_run: false });
    expect(run?.finished_at).toBeInstanceOf(Date);
    expect(run?.duration_ms).toBe(event.data.durationMs);

    const publish = spans
      .spans()
      .find((s) => s.kind === SpanKind.PRODUCER && s.attributes['messaging.message.id'] === request.id);
    const syncCall = await waitFor('the span of the sync call', () =>
      spans
        .spans()
        .find(
          (s) => s.kind === SpanKind.CLIENT && String(s.attributes['url.full']).includes('/applications/checkout/sync'),
        ),
    );
    expect(syncCall.spanContext().traceId).toBe(publish?.spanContext().traceId);
  });

  it('retries 500s with backoff and succeeds on the third attempt', async () => {
    hub.argo.scriptSyncs(FakeArgoCd.error(500, 'rpc error: code = Internal desc = etcd timeout'), 2);
    const request = await hub.request('argocd.sync', 'flaky-a');
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.succeeded', data: { attempts: 3 } });
    expect(hub.argo.find('POST', /\/flaky-a\/sync$/)).toHaveLength(3);
    expect(hub.argo.syncsOf('flaky-a')).toHaveLength(1);
  });

  it('fails after the last attempt when Argo CD keeps answering 500, saying why', async () => {
    hub.argo.scriptSyncs(FakeArgoCd.error(500, 'rpc error: code = Internal desc = etcd timeout'), 4);
    const request = await hub.request('argocd.sync', 'flaky-b');
    const { event } = await hub.result(request.data.actionId);
    expect(event.type).toBe('action.failed');
    expect(event.data.attempts).toBe(4);
    expect(event.data.reason).toMatch(/^gave up after 4 attempts: Argo CD answered 500 .*etcd timeout/);
    expect(await hub.run(request.data.actionId)).toMatchObject({ status: 'failed', attempts: 4 });
  });

  it('honours Retry-After on a 429', async () => {
    hub.argo.scriptSyncs(FakeArgoCd.error(429, 'too many requests', { 'retry-after': '1' }));
    const request = await hub.request('argocd.sync', 'limited');
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.succeeded', data: { attempts: 2 } });
    const [first, second] = hub.argo.find('POST', /\/limited\/sync$/);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('follows an operation already in progress to its result instead of failing', async () => {
    hub.argo.startOperation('busy', ['Running', 'Running', 'Succeeded']);
    const request = await hub.request('argocd.sync', 'busy');
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({
      type: 'action.succeeded',
      data: { attempts: 1, details: { followedRunningOperation: true, phase: 'Succeeded' } },
    });
    expect(hub.argo.syncsOf('busy')).toHaveLength(0);
    expect(hub.argo.operations.filter((o) => o.app === 'busy')).toMatchObject([{ ours: false, phase: 'Succeeded' }]);
  });

  it('reports action.failed when the sync operation ends in Failed', async () => {
    hub.argo.setPhases('broken', ['Running', 'Failed'], { message: 'one or more synchronization tasks are not valid' });
    const request = await hub.request('argocd.sync', 'broken');
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({
      type: 'action.failed',
      data: { attempts: 1, details: { error: { phase: 'Failed' } } },
    });
    expect(event.data.reason).toContain('ended in phase Failed: one or more synchronization tasks are not valid');
  });

  it('fails fast when Argo CD does not know the app', async () => {
    const request = await hub.request('argocd.sync', 'ghost-app');
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.failed', data: { attempts: 1 } });
    expect(event.data.reason).toContain('applications.argoproj.io "ghost-app" not found');
  });
});
