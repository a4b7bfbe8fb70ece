import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { assertKubernetesNames } from '../params.js';

/** The action kind (routing key `action.requested.argocd.rollback`). */
export const ARGOCD_ROLLBACK_KIND = 'argocd.rollback';

/**
 * Params of `argocd.rollback`: the Application `name` (= the target), its Argo CD `appNamespace`,
 * and optionally the `status.history` `id` to go back to — by default the deployment before the
 * current one.
 */
const paramsSchema = z
  .object({
    name: z.string().min(1).optional(),
    appNamespace: z.string().min(1).optional(),
    id: z.coerce.number().int().nonnegative().optional(),
    prune: z.boolean().optional(),
  })
  .loose();

export interface ArgoCdRollbackParams {
  readonly name: string;
  readonly appNamespace?: string;
  readonly id?: number;
  readonly prune: boolean;
}

/** The params of an `argocd.rollback` action; throws InvalidActionParamsError for bad ones. */
export function argoCdRollbackParamsOf(request: ActionRequested): ArgoCdRollbackParams {
  const parsed = paramsSchema.safeParse(request.params);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'} ${i.message}`).join('; ');
    throw new InvalidActionParamsError(`invalid argocd.rollback params: ${problems}`, { params: request.params });
  }
  const params = parsed.data;
  if (params.name !== undefined && params.name !== request.target) {
    throw new InvalidActionParamsError(
      `argocd.rollback params.name "${params.name}" is not the target "${request.target}"`,
      {
        target: request.target,
        name: params.name,
      },
    );
  }
  assertKubernetesNames(request, {
    target: [request.target, 'subdomain'],
    appNamespace: [params.appNamespace, 'label'],
  });
  return {
    name: request.target,
    ...(params.appNamespace ? { appNamespace: params.appNamespace } : {}),
    ...(params.id !== undefined ? { id: params.id } : {}),
    prune: params.prune ?? false,
  };
}

/** What an `argocd.rollback` sends (the history id is read from the app first: "previous" when not given). */
export function planArgoCdRollback(request: ActionRequested): PlannedCall {
  const params = argoCdRollbackParamsOf(request);
  return {
    integration: 'argocd',
    operation: 'application.rollback',
    request: {
      method: 'POST',
      path: `/api/v1/applications/${encodeURIComponent(params.name)}/rollback`,
      ...(params.appNamespace ? { query: { appNamespace: params.appNamespace } } : {}),
      body: { name: params.name, id: params.id ?? 'previous', prune: params.prune, dryRun: false },
    },
  };
}
