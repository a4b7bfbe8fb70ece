import { register } from 'prom-client';
import { waitFor } from '@hub/testing';
import { ActionInterruptedError } from './runner/runner.errors.js';
import { ExecutorHarness, requestEvent } from './__tests__/executor.harness.js';
import { resultEventId } from './runner/action-result.js';
import { PublishedMarks } from './runner/published-marks.js';

describe('execution policy: locks, idempotency, dry runs, unknown kinds', () => {
  let hub: ExecutorHarness;

  beforeAll(async () => {
    hub = await ExecutorHarness.start();
    for (const app of ['counted', 'shared-target', 'replicated', 'once-only', 'dry', 'resumed', 'synced-unrecorded']) {
      hub.argo.addApplication(app, { phases: ['Running', 'Running', 'Running', 'Succeeded'] });
    }
    hub.argo.addApplication('slow', { phases: [...Array<'Running'>(40).fill('Running'), 'Succeeded'] });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('costs two statements per action, and a share of one batched "published" mark', async () => {
    const statements = async () =>
      (await register.getSingleMetric('hub_db_statements_total')?.get())?.values[0]?.value ?? 0;
    const before = await statements();
    for (let i = 0; i < 3; i++) await hub.executor.runner.handle(requestEvent('argocd.sync', 'counted'));
    await hub.executor.app.get(PublishedMarks).flush();
    const sent = (await statements()) - before;
    // Per action: the claim (lock + insert), the finish (update + unlock); the marks: 1–3 statements.
    expect(sent).toBeGreaterThanOrEqual(3 * 2 + 1);
    expect(sent).toBeLessThanOrEqual(3 * 2 + 3);
  });

  it('never runs two actions on the same target at once', async () => {
    const [first, second] = await Promise.all([
      hub.request('argocd.sync', 'shared-target'),
      hub.request('argocd.sync', 'shared-target'),
    ]);
    const results = await Promise.all([hub.result(first.data.actionId), hub.result(second.data.actionId)]);
    expect(results.map((r) => r.event.type)).toEqual(['action.succeeded', 'action.succeeded']);
    // Without the lock the second sync would meet the first's operation ("in progress") and follow it.
    const operations = hub.argo.operations.filter((o) => o.app === 'shared-target');
    expect(operations).toHaveLength(2);
    expect(operations.every((o) => o.ours && o.finishedAt !== undefined)).toBe(true);
    const [earlier, later] = [...operations].sort((a, b) => a.startedAt - b.startedAt);
    expect(later!.startedAt).toBeGreaterThanOrEqual(earlier!.finishedAt!);
    expect(results.every((r) => r.event.data.details.followedRunningOperation === false)).toBe(true);
  });

  it('holds the target lock across replicas', async () => {
    const replica = await hub.startReplica();
    const first = requestEvent('argocd.sync', 'replicated');
    const second = requestEvent('argocd.sync', 'replicated');
    const handled = await Promise.all([hub.executor.runner.handle(first), replica.runner.handle(second)]);
    expect(handled.map((h) => h.run.status)).toEqual(['succeeded', 'succeeded']);
    const operations = hub.argo.operations.filter((o) => o.app === 'replicated');
    expect(operations).toHaveLength(2);
    const [earlier, later] = [...operations].sort((a, b) => a.startedAt - b.startedAt);
    expect(later!.startedAt).toBeGreaterThanOrEqual(earlier!.finishedAt!);
  });

  it('runs an action id once when it is delivered twice, and re-publishes the same result', async () => {
    const actionId = crypto.randomUUID();
    await Promise.all([
      hub.request('argocd.sync', 'once-only', { actionId }),
      hub.request('argocd.sync', 'once-only', { actionId }),
    ]);
    await waitFor('both deliveries answered', () => hub.resultsOf(actionId).length === 2, { timeoutMs: 20_000 });
    const later = await hub.request('argocd.sync', 'once-only', { actionId });
    await waitFor('the late redelivery answered', () => hub.resultsOf(actionId).length === 3, { timeoutMs: 20_000 });

    expect(hub.argo.syncsOf('once-only')).toHaveLength(1);
    const results = hub.resultsOf(actionId);
    expect(new Set(results.map((r) => r.event.id))).toEqual(new Set([resultEventId(actionId)]));
    expect(results.map((r) => r.event.data)).toEqual([
      results[0]!.event.data,
      results[0]!.event.data,
      results[0]!.event.data,
    ]);
    expect(results.at(-1)?.event.correlationid).toBe(later.correlationid);
    expect(await hub.run(actionId)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('makes no call for a dry run, and says what it would have sent', async () => {
    const before = hub.argo.requests.length;
    const request = await hub.request('argocd.sync', 'dry', { dryRun: true, params: { appNamespace: 'team-a' } });
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({
      type: 'action.succeeded',
      data: {
        dryRun: true,
        attempts: 0,
        details: {
          dryRun: true,
          plan: {
            integration: 'argocd',
            request: { path: '/api/v1/applications/dry/sync', query: { appNamespace: 'team-a' } },
          },
        },
      },
    });
    expect(hub.argo.requests.length).toBe(before);
    expect(await hub.run(request.data.actionId)).toMatchObject({ status: 'succeeded', dry_run: true });
  });

  it('fails an unknown action kind once, without retrying', async () => {
    const request = await hub.request('helm.rollback', 'payments');
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({
      type: 'action.failed',
      data: { kind: 'helm.rollback', reason: 'unknown action kind', attempts: 0 },
    });
    expect(await hub.run(request.data.actionId)).toMatchObject({ status: 'failed', reason: 'unknown action kind' });
  });

  it('fails invalid params at once', async () => {
    const request = await hub.request('argocd.sync', 'dry', { params: { name: 'another-app' } });
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.failed', data: { attempts: 0 } });
    expect(event.data.reason).toContain('is not the target');
  });

  it('resumes a run left "running" by a replica that died, counting on from its attempts', async () => {
    const actionId = crypto.randomUUID();
    await hub.db
      .insertInto('action_runs')
      .values({
        action_id: actionId,
        kind: 'argocd.sync',
        target: 'resumed',
        params: '{}',
        status: 'running',
        attempts: 1,
        details: '{}',
      })
      .execute();
    await hub.request('argocd.sync', 'resumed', { actionId });
    const { event } = await hub.result(actionId);
    expect(event).toMatchObject({ type: 'action.succeeded', data: { attempts: 2, details: { resumed: true } } });
    expect(hub.argo.syncsOf('resumed')).toHaveLength(1);
  });

  it('resumes a run whose sync went through before its record was lost by following that sync, not syncing again', async () => {
    // The interrupted run (its replica lost PostgreSQL mid-run) had recorded attempt 1 and sent
    // its sync, carrying the action id; the sync finished, the run's finish was never recorded.
    const actionId = crypto.randomUUID();
    await hub.db
      .insertInto('action_runs')
      .values({
        action_id: actionId,
        kind: 'argocd.sync',
        target: 'synced-unrecorded',
        params: '{}',
        status: 'running',
        attempts: 1,
        details: '{}',
      })
      .execute();
    const argocd = (path: string, body?: unknown) =>
      fetch(`${hub.argo.url}/api/v1/applications/synced-unrecorded${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${hub.argo.token}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      }).then((r) => r.json() as Promise<{ status: { operationState?: { phase: string } } }>);
    await argocd('/sync', { prune: false, dryRun: false, infos: [{ name: 'hub.actionId', value: actionId }] });
    await waitFor(
      'the earlier sync finished',
      async () => (await argocd('')).status.operationState?.phase === 'Succeeded',
    );

    await hub.request('argocd.sync', 'synced-unrecorded', { actionId });
    const { event } = await hub.result(actionId);
    expect(event).toMatchObject({
      type: 'action.succeeded',
      data: { attempts: 2, details: { resumed: true, adoptedEarlierSync: true, phase: 'Succeeded' } },
    });
    expect(hub.argo.syncsOf('synced-unrecorded')).toHaveLength(1);
  });

  it('on shutdown leaves a running action to the next replica, which follows the sync already started', async () => {
    const replica = await hub.startReplica();
    const request = requestEvent('argocd.sync', 'slow');
    const running = replica.runner.handle(request).catch((error: unknown) => error);
    await waitFor('the sync under way', () => hub.argo.syncsOf('slow').length === 1);
    await replica.app.close();
    expect(await running).toBeInstanceOf(ActionInterruptedError);
    expect(await hub.run(request.data.actionId)).toMatchObject({ status: 'running', attempts: 1 });

    const { event } = await hub.executor.runner.handle(request).then(() => hub.result(request.data.actionId));
    expect(event).toMatchObject({
      type: 'action.succeeded',
      // Its own sync (the action id in the operation's info): followed without asking Argo CD again.
      data: { attempts: 2, details: { resumed: true, adoptedEarlierSync: true, phase: 'Succeeded' } },
    });
    expect(hub.argo.syncsOf('slow')).toHaveLength(1);
    expect(hub.argo.find('POST', /\/slow\/sync$/)).toHaveLength(1);
  });
});
