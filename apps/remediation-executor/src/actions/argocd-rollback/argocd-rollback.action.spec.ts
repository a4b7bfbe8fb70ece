import { type ActionRequested } from '@hub/contracts';
import { FakeArgoCd } from '@hub/testing';
import { ArgoCdClient } from '../argocd-sync/argocd.client.js';
import {
  ArgoCdNoRollbackTargetError,
  ArgoCdRequestError,
  ArgoCdSyncFailedError,
} from '../argocd-sync/argocd.errors.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { ArgoCdRollbackAction } from './argocd-rollback.action.js';
import { planArgoCdRollback } from './argocd-rollback.plan.js';

const request = (target: string, params: Record<string, unknown> = {}): ActionRequested => ({
  actionId: crypto.randomUUID(),
  kind: 'argocd.rollback',
  target,
  params: { name: target, ...params },
  dryRun: false,
});

const history = [
  { id: 1, revision: 'aaaa' },
  { id: 2, revision: 'bbbb' },
  { id: 3, revision: 'cccc' },
];

describe(ArgoCdRollbackAction.name, () => {
  let argo: FakeArgoCd;
  const context = { signal: new AbortController().signal, attempt: 1 };
  const action = () =>
    new ArgoCdRollbackAction(new ArgoCdClient({ url: argo.url, token: argo.token, requestTimeoutMs: 2_000 }), {
      syncTimeoutMs: 5_000,
      pollIntervalMs: 10,
    });

  beforeEach(async () => {
    argo = await new FakeArgoCd().start();
    argo.addApplication('payments-api', { history });
    argo.addApplication('fresh-app', { history: [{ id: 1, revision: 'aaaa' }] });
    argo.addApplication('auto-app', { history, autoSync: true });
  });

  afterEach(async () => {
    await argo.stop();
  });

  it('rolls back to the deployment before the current one and follows the operation', async () => {
    const outcome = await action().run(request('payments-api'), context);
    expect(argo.rollbacks).toEqual([expect.objectContaining({ app: 'payments-api', id: 2 })]);
    expect(outcome.details).toMatchObject({
      fromId: 3,
      fromRevision: 'cccc',
      toId: 2,
      toRevision: 'bbbb',
      phase: 'Succeeded',
    });
  });

  it('goes to an explicit history id; a dry run reads the history and changes nothing', async () => {
    await action().run(request('payments-api', { id: 1 }), context);
    expect(argo.rollbacks.map((r) => r.id)).toEqual([1]);
    const dry = await action().run(request('payments-api'), { ...context, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, details: { toId: 3 } });
    expect(argo.rollbacks).toHaveLength(1);
  });

  it('fails for good without an earlier deployment, with auto-sync on, or when the rollback fails', async () => {
    const none = await action()
      .run(request('fresh-app'), context)
      .catch((e: unknown) => e);
    expect(none).toBeInstanceOf(ArgoCdNoRollbackTargetError);
    expect((none as ArgoCdNoRollbackTargetError).retryable).toBe(false);
    const auto = await action()
      .run(request('auto-app'), context)
      .catch((e: unknown) => e);
    expect(auto).toBeInstanceOf(ArgoCdRequestError);
    expect((auto as ArgoCdRequestError).retryable).toBe(false);
    expect((auto as Error).message).toContain('auto-sync is enabled');
    argo.setPhases('payments-api', ['Running', 'Failed']);
    await expect(action().run(request('payments-api'), context)).rejects.toBeInstanceOf(ArgoCdSyncFailedError);
  });

  it('plans the call and refuses params that do not fit', () => {
    expect(planArgoCdRollback(request('payments-api'))).toMatchObject({
      integration: 'argocd',
      operation: 'application.rollback',
      request: { method: 'POST', path: '/api/v1/applications/payments-api/rollback', body: { id: 'previous' } },
    });
    expect(() => planArgoCdRollback(request('payments-api', { name: 'other' }))).toThrow(InvalidActionParamsError);
    expect(() => planArgoCdRollback(request('../etc'))).toThrow(InvalidActionParamsError);
  });
});
