import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type ArgoCdClient } from './argocd.client.js';
import { ArgoCdOperationInProgressError, ArgoCdSyncFailedError } from './argocd.errors.js';
import { followOperation } from './argocd-operation.js';
import { ARGOCD_SYNC_KIND, argoCdSyncRequestOf, planArgoCdSync } from './argocd-sync.plan.js';
import { ACTION_ID_INFO, type ArgoCdInfo } from './argocd.types.js';

/** How one attempt follows a sync. */
export interface ArgoCdSyncTiming {
  /** ARGOCD_SYNC_TIMEOUT_MS: how long one attempt follows the operation. */
  syncTimeoutMs: number;
  /** ARGOCD_POLL_INTERVAL_MS. */
  pollIntervalMs: number;
}

/**
 * `argocd.sync` (S1): asks Argo CD to sync an Application, then follows
 * `status.operationState.phase` until the operation ends. A sync refused because another operation
 * runs ("another operation is already in progress") is not a failure: the action follows that
 * operation and reports its outcome, since it brings the app to the same desired state.
 *
 * Every sync carries the action id in its `info`. A later attempt (a retry, or a run resumed after
 * its replica died or lost the database mid-run) first looks at the app: when the current or last
 * operation is its own — the earlier attempt's sync went through, its answer or its record did
 * not — it follows that operation instead of syncing again, so one action is one sync.
 */
export class ArgoCdSyncAction implements Action {
  readonly kind = ARGOCD_SYNC_KIND;

  constructor(
    private readonly client: ArgoCdClient,
    private readonly timing: ArgoCdSyncTiming,
  ) {}

  plan(request: ActionRequested): PlannedCall {
    return planArgoCdSync(request);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const sync = argoCdSyncRequestOf(request);
    const deadline = Date.now() + this.timing.syncTimeoutMs;
    let followedRunningOperation = false;
    const adoptedEarlierSync =
      context.attempt > 1 && (await this.syncedBefore(sync.name, sync.appNamespace, request.actionId, context.signal));
    try {
      if (!adoptedEarlierSync) await this.client.sync(sync, context.signal);
    } catch (error) {
      if (!(error instanceof ArgoCdOperationInProgressError)) throw error;
      followedRunningOperation = true;
    }
    const app = await followOperation(this.client, sync.name, sync.appNamespace, this.timing, deadline, context.signal);
    const state = app.status?.operationState ?? {};
    const details = {
      application: sync.name,
      ...(sync.appNamespace ? { appNamespace: sync.appNamespace } : {}),
      phase: state.phase,
      message: state.message,
      revision: state.syncResult?.revision ?? app.status?.sync?.revision,
      startedAt: state.startedAt,
      finishedAt: state.finishedAt,
      syncStatus: app.status?.sync?.status,
      healthStatus: app.status?.health?.status,
      followedRunningOperation,
      ...(adoptedEarlierSync ? { adoptedEarlierSync } : {}),
    };
    if (state.phase !== 'Succeeded') {
      throw new ArgoCdSyncFailedError(
        `sync of ${sync.name} ended in phase ${state.phase}: ${state.message ?? ''}`,
        details,
      );
    }
    return { details };
  }

  /** Whether the app's current or last operation is the sync an earlier attempt of `actionId` started. */
  private async syncedBefore(
    name: string,
    appNamespace: string | undefined,
    actionId: string,
    signal: AbortSignal,
  ): Promise<boolean> {
    const app = await this.client.getApplication(name, appNamespace, signal);
    const infos = [
      ...((app.operation?.info as ArgoCdInfo[] | undefined) ?? []),
      ...(app.status?.operationState?.operation?.info ?? []),
    ];
    return infos.some((info) => info?.name === ACTION_ID_INFO && info.value === actionId);
  }
}
