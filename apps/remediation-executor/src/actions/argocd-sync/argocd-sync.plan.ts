import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { assertKubernetesNames } from '../params.js';
import { ACTION_ID_INFO, type ArgoCdSyncRequest } from './argocd.types.js';

/** The action kind (routing key `action.requested.argocd.sync`). */
export const ARGOCD_SYNC_KIND = 'argocd.sync';

/**
 * Params of `argocd.sync` (DESIGN.md): the Application `name` (= the target), the destination
 * `namespace` (informational), the Argo CD `appNamespace` for apps outside the control plane's
 * namespace; optionally `prune` and a `revision` to sync to.
 */
const paramsSchema = z
  .object({
    name: z.string().min(1).optional(),
    namespace: z.string().optional(),
    appNamespace: z.string().min(1).optional(),
    prune: z.boolean().optional(),
    revision: z.string().min(1).optional(),
  })
  .loose();

/** The sync request for an `argocd.sync` action; throws InvalidActionParamsError for bad params. */
export function argoCdSyncRequestOf(request: ActionRequested): ArgoCdSyncRequest {
  const parsed = paramsSchema.safeParse(request.params);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'} ${i.message}`).join('; ');
    throw new InvalidActionParamsError(`invalid argocd.sync params: ${problems}`, { params: request.params });
  }
  const params = parsed.data;
  if (params.name !== undefined && params.name !== request.target) {
    throw new InvalidActionParamsError(
      `argocd.sync params.name "${params.name}" is not the target "${request.target}"`,
      { target: request.target, name: params.name },
    );
  }
  // The target and the app namespace become part of the Argo CD API path and query.
  assertKubernetesNames(request, {
    target: [request.target, 'subdomain'],
    appNamespace: [params.appNamespace, 'label'],
  });
  return {
    name: request.target,
    ...(params.appNamespace ? { appNamespace: params.appNamespace } : {}),
    ...(params.revision ? { revision: params.revision } : {}),
    prune: params.prune ?? false,
    dryRun: false,
    infos: [{ name: ACTION_ID_INFO, value: request.actionId }],
  };
}

/** What an `argocd.sync` sends: shown by dry runs and written to the outbox when Argo CD is not configured. */
export function planArgoCdSync(request: ActionRequested): PlannedCall {
  const sync = argoCdSyncRequestOf(request);
  return {
    integration: 'argocd',
    operation: 'application.sync',
    request: {
      method: 'POST',
      path: `/api/v1/applications/${encodeURIComponent(sync.name)}/sync`,
      ...(sync.appNamespace ? { query: { appNamespace: sync.appNamespace } } : {}),
      body: sync,
    },
  };
}
