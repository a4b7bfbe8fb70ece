import { type ActionRequested } from '@hub/contracts';
import { FakeArgoCd } from '@hub/testing';
import { ArgoCdClient } from './argocd.client.js';
import {
  ArgoCdApplicationNotFoundError,
  ArgoCdRequestError,
  ArgoCdSyncFailedError,
  ArgoCdSyncTimeoutError,
  ArgoCdUnreachableError,
} from './argocd.errors.js';
import { ArgoCdSyncAction } from './argocd-sync.action.js';
import { planArgoCdSync } from './argocd-sync.plan.js';

const request = (target: string, params: Record<string, unknown> = {}): ActionRequested => ({
  actionId: crypto.randomUUID(),
  kind: 'argocd.sync',
  target,
  params: { name: target, ...params },
  dryRun: false,
});

describe(ArgoCdSyncAction.name, () => {
  let argo: FakeArgoCd;
  const context = { signal: new AbortController().signal, attempt: 1 };
  const action = (token = FakeArgoCd.DEFAULT_TOKEN, syncTimeoutMs = 5_000) =>
    new ArgoCdSyncAction(new ArgoCdClient({ url: argo.url, token, requestTimeoutMs: 2_000 }), {
      syncTimeoutMs,
      pollIntervalMs: 10,
    });

  beforeEach(async () => {
    argo = await new FakeArgoCd().start();
    argo.addApplication('payments-api', { destNamespace: 'payments' });
    argo.addApplication('team-app', { appNamespace: 'team-a' });
  });

  afterEach(async () => {
    await argo.stop();
  });

  it('syncs and follows the operation until it succeeds', async () => {
    argo.setPhases('payments-api', ['Running', 'Running', 'Succeeded']);
    const sent = request('payments-api', { namespace: 'payments' });
    const outcome = await action().run(sent, context);
    expect(argo.syncsOf('payments-api')).toHaveLength(1);
    expect(argo.syncs[0]?.body).toEqual({
      name: 'payments-api',
      prune: false,
      dryRun: false,
      infos: [{ name: 'hub.actionId', value: sent.actionId }],
    });
    expect(argo.find('GET', /payments-api$/).length).toBeGreaterThanOrEqual(3);
    expect(outcome.details).toMatchObject({
      application: 'payments-api',
      phase: 'Succeeded',
      syncStatus: 'Synced',
      healthStatus: 'Healthy',
      followedRunningOperation: false,
    });
  });

  it('names the app namespace in the query and the body', async () => {
    await action().run(request('team-app', { appNamespace: 'team-a' }), context);
    expect(argo.syncs).toMatchObject([{ app: 'team-app', appNamespace: 'team-a', appNamespaceInQuery: true }]);
    expect(argo.syncs[0]?.body).toMatchObject({ appNamespace: 'team-a' });
    expect(argo.find('GET', /team-app$/).every((r) => r.query.get('appNamespace') === 'team-a')).toBe(true);
  });

  it('follows an operation already in progress instead of failing', async () => {
    argo.startOperation('payments-api', ['Running', 'Succeeded']);
    const outcome = await action().run(request('payments-api'), context);
    expect(argo.syncs).toHaveLength(0);
    expect(outcome.details).toMatchObject({ phase: 'Succeeded', followedRunningOperation: true });
  });

  it('also takes a 409 "another operation is already in progress" as an operation to follow', async () => {
    argo.startOperation('payments-api', ['Running', 'Failed']);
    argo.scriptSyncs(FakeArgoCd.operationInProgress(409));
    await expect(action().run(request('payments-api'), context)).rejects.toThrow(ArgoCdSyncFailedError);
  });

  it('fails for good when the operation ends in Failed, with Argo CD message', async () => {
    argo.setPhases('payments-api', ['Running', 'Failed'], { message: 'one or more objects failed to apply' });
    const error = await action()
      .run(request('payments-api'), context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgoCdSyncFailedError);
    expect((error as ArgoCdSyncFailedError).retryable).toBe(false);
    expect((error as Error).message).toContain('Failed: one or more objects failed to apply');
  });

  it('wraps vendor errors: 404 permanent, 500 retryable, 429 with Retry-After, 401 permanent', async () => {
    await expect(action().run(request('nope'), context)).rejects.toThrow(ArgoCdApplicationNotFoundError);
    await expect(action().run(request('nope'), context)).rejects.toThrow('applications.argoproj.io "nope" not found');

    argo.scriptSyncs(FakeArgoCd.error(500, 'rpc error: code = Internal'));
    const internal = await action()
      .run(request('payments-api'), context)
      .catch((e: unknown) => e);
    expect(internal).toBeInstanceOf(ArgoCdRequestError);
    expect(internal).toMatchObject({ retryable: true, status: 500 });

    argo.scriptSyncs(FakeArgoCd.error(429, 'slow down', { 'retry-after': '2' }));
    await expect(action().run(request('payments-api'), context)).rejects.toMatchObject({
      retryable: true,
      status: 429,
      retryAfterMs: 2_000,
    });

    await expect(action('wrong-token').run(request('payments-api'), context)).rejects.toMatchObject({
      retryable: false,
      status: 401,
    });
  });

  it('times out when the operation keeps running', async () => {
    argo.setPhases('payments-api', ['Running']);
    await expect(action(FakeArgoCd.DEFAULT_TOKEN, 100).run(request('payments-api'), context)).rejects.toThrow(
      ArgoCdSyncTimeoutError,
    );
  });

  it('says Argo CD is unreachable when nothing listens', async () => {
    const url = argo.url;
    await argo.stop();
    const client = new ArgoCdClient({ url, token: 't', requestTimeoutMs: 1_000 });
    await expect(client.getApplication('x', undefined, context.signal)).rejects.toThrow(ArgoCdUnreachableError);
    argo = await new FakeArgoCd().start();
  });
});

describe(planArgoCdSync.name, () => {
  it('describes the call and rejects params that contradict the target', () => {
    const planned = request('payments-api', { appNamespace: 'team-a', prune: true });
    expect(planArgoCdSync(planned)).toEqual({
      integration: 'argocd',
      operation: 'application.sync',
      request: {
        method: 'POST',
        path: '/api/v1/applications/payments-api/sync',
        query: { appNamespace: 'team-a' },
        body: {
          name: 'payments-api',
          appNamespace: 'team-a',
          prune: true,
          dryRun: false,
          infos: [{ name: 'hub.actionId', value: planned.actionId }],
        },
      },
    });
    expect(() => planArgoCdSync(request('payments-api', { name: 'other' }))).toThrow('is not the target');
    expect(() => planArgoCdSync(request('payments-api', { prune: 'yes' }))).toThrow('invalid argocd.sync params');
  });
});
