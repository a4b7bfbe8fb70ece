import { setTimeout as sleep } from 'node:timers/promises';
import { isHubError } from '@hub/contracts';
import { type ArgoCdClient } from './argocd.client.js';
import { ArgoCdSyncTimeoutError } from './argocd.errors.js';
import { type ArgoCdApplication, type ArgoCdOperationState, TERMINAL_PHASES } from './argocd.types.js';

/** The first wait is this share of the poll interval; each next one doubles, up to the interval. */
const FIRST_POLL_SHARE = 8;

/**
 * Polls an Application until no operation is pending and the last one reached a final phase (a
 * sync, or a rollback — which Argo CD runs as a sync to the old revision). The waits grow from an
 * eighth of `pollIntervalMs` (a sync that takes a moment is seen a moment later) by doubling to
 * `pollIntervalMs` (a long one costs no more calls than before); the first GET comes after the
 * first wait, since an operation just started is never finished. A blip while polling does not
 * fail the operation; `deadline` bounds it (ArgoCdSyncTimeoutError).
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
  let waitMs = Math.max(1, Math.floor(timing.pollIntervalMs / FIRST_POLL_SHARE));
  for (;;) {
    if (Date.now() + waitMs > deadline) throw timedOut(name, appNamespace, timing, last);
    await sleep(waitMs, undefined, { signal });
    waitMs = Math.min(timing.pollIntervalMs, waitMs * 2);
    try {
      const app = await client.getApplication(name, appNamespace, signal);
      last = app.status?.operationState;
      if (!app.operation && last?.phase !== undefined && TERMINAL_PHASES.has(last.phase)) return app;
    } catch (error) {
      if (signal.aborted || !isHubError(error) || !error.retryable) throw error;
    }
  }
}

function timedOut(
  name: string,
  appNamespace: string | undefined,
  timing: { syncTimeoutMs: number },
  last: ArgoCdOperationState | undefined,
): ArgoCdSyncTimeoutError {
  return new ArgoCdSyncTimeoutError(
    `the operation on ${name} did not finish within ${timing.syncTimeoutMs} ms (last phase ${last?.phase ?? 'unknown'})`,
    { application: name, appNamespace, phase: last?.phase, timeoutMs: timing.syncTimeoutMs },
  );
}
