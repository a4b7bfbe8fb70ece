import { setTimeout as sleep } from 'node:timers/promises';
import { isHubError } from '@hub/contracts';
import { type ArgoCdClient } from './argocd.client.js';
import { ArgoCdSyncTimeoutError } from './argocd.errors.js';
import { type ArgoCdApplication, type ArgoCdOperationState, TERMINAL_PHASES } from './argocd.types.js';

/**
 * Polls an Application until no operation is pending and the last one reached a final phase (a
 * sync, or a rollback — which Argo CD runs as a sync to the old revision). A blip while polling
 * does not fail the operation; `deadline` bounds it (ArgoCdSyncTimeoutError).
 */
export async function followOperation(
  client: ArgoCdClient,
  name: string,
  appNamespace: string | undefined,
  timing: { syncTimeoutMs: number; pollIntervalMs: number },
  deadline: number,
  signal: AbortSignal,
): Promise<ArgoCdApplication> {
  let last: ArgoCdOperationState | undefined;
  for (;;) {
    try {
      const app = await client.getApplication(name, appNamespace, signal);
      last = app.status?.operationState;
      if (!app.operation && last?.phase !== undefined && TERMINAL_PHASES.has(last.phase)) return app;
    } catch (error) {
      if (signal.aborted || !isHubError(error) || !error.retryable) throw error;
    }
    if (Date.now() + timing.pollIntervalMs > deadline) {
      throw new ArgoCdSyncTimeoutError(
        `the operation on ${name} did not finish within ${timing.syncTimeoutMs} ms (last phase ${last?.phase ?? 'unknown'})`,
        { application: name, appNamespace, phase: last?.phase, timeoutMs: timing.syncTimeoutMs },
      );
    }
    await sleep(timing.pollIntervalMs, undefined, { signal });
  }
}
