import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type KubernetesApplyClient } from './kubernetes-apply.client.js';
import {
  applyCallsOf,
  applyQuery,
  FIELD_MANAGER,
  KUBERNETES_APPLY_KIND,
  planKubernetesApply,
} from './kubernetes-apply.plan.js';

/**
 * `kubernetes.apply`: server-side apply of the request's manifests, in order, with field manager
 * `hub`. Applying is idempotent (the same manifests again change nothing), so a retry re-applies
 * them all. A dry run applies with `dryRun=All`: the API server validates and defaults the objects
 * and answers what they would be, and nothing is stored.
 */
export class KubernetesApplyAction implements Action {
  readonly kind = KUBERNETES_APPLY_KIND;
  readonly readsInDryRun = true;

  constructor(private readonly client: KubernetesApplyClient) {}

  plan(request: ActionRequested): PlannedCall {
    return planKubernetesApply(request);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const { calls, force } = applyCallsOf(request);
    const dryRun = context.dryRun === true;
    const query = applyQuery(force, dryRun);
    const applied = [];
    for (const call of calls) {
      const object = await this.client.apply(call.path, query, call.manifest, context.signal);
      applied.push({
        object: call.object,
        resourceVersion: object.metadata?.resourceVersion,
        ...(dryRun ? { manifest: object } : {}),
      });
    }
    return { details: { fieldManager: FIELD_MANAGER, dryRun, applied, server: this.client.server } };
  }
}
