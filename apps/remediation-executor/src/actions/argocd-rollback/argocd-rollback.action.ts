import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type ArgoCdClient } from '../argocd-sync/argocd.client.js';
import { ArgoCdNoRollbackTargetError, ArgoCdSyncFailedError } from '../argocd-sync/argocd.errors.js';
import { followOperation } from '../argocd-sync/argocd-operation.js';
import { type ArgoCdSyncTiming } from '../argocd-sync/argocd-sync.action.js';
import { type ArgoCdRevisionHistory } from '../argocd-sync/argocd.types.js';
import { ARGOCD_ROLLBACK_KIND, argoCdRollbackParamsOf, planArgoCdRollback } from './argocd-rollback.plan.js';

/**
 * `argocd.rollback` ("test suite failed → rollback"): reads the Application's `status.history`,
 * rolls back to the deployment before the current one (or `params.id`) through Argo CD's rollback
 * API, and follows the operation like a sync. A dry run reads the history and reports where it
 * would go, changing nothing.
 */
export class ArgoCdRollbackAction implements Action {
  readonly kind = ARGOCD_ROLLBACK_KIND;
  readonly readsInDryRun = true;

  constructor(
    private readonly client: ArgoCdClient,
    private readonly timing: ArgoCdSyncTiming,
  ) {}

  plan(request: ActionRequested): PlannedCall {
    return planArgoCdRollback(request);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const params = argoCdRollbackParamsOf(request);
    const deadline = Date.now() + this.timing.syncTimeoutMs;
    const app = await this.client.getApplication(params.name, params.appNamespace, context.signal);
    const history = [...(app.status?.history ?? [])].sort((a, b) => a.id - b.id);
    const current = history.at(-1);
    const target = targetOf(history, params.id);
    if (!current || !target || target.id === current.id) {
      throw new ArgoCdNoRollbackTargetError(
        `${params.name} has no ${params.id === undefined ? 'earlier deployment' : `history id ${params.id}`} to roll back to`,
        { application: params.name, historyIds: history.map((h) => h.id) },
      );
    }
    const details = {
      application: params.name,
      ...(params.appNamespace ? { appNamespace: params.appNamespace } : {}),
      fromId: current.id,
      fromRevision: current.revision,
      toId: target.id,
      toRevision: target.revision,
    };
    if (context.dryRun) return { dryRun: true, details: { ...details, note: 'dry run: nothing rolled back' } };
    await this.client.rollback({ ...params, id: target.id, dryRun: false }, context.signal);
    const after = await followOperation(
      this.client,
      params.name,
      params.appNamespace,
      this.timing,
      deadline,
      context.signal,
    );
    const state = after.status?.operationState ?? {};
    const outcome = {
      ...details,
      phase: state.phase,
      message: state.message,
      healthStatus: after.status?.health?.status,
    };
    if (state.phase !== 'Succeeded') {
      throw new ArgoCdSyncFailedError(
        `rollback of ${params.name} to ${target.id} ended in phase ${state.phase}`,
        outcome,
      );
    }
    return { details: outcome };
  }
}

function targetOf(
  history: readonly ArgoCdRevisionHistory[],
  id: number | undefined,
): ArgoCdRevisionHistory | undefined {
  return id === undefined ? history.at(-2) : history.find((h) => h.id === id);
}
