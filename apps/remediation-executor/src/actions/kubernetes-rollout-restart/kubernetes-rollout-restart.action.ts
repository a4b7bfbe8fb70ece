import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type KubernetesClient } from '../externalsecret-refresh/kubernetes.client.js';
import {
  deploymentRefOf,
  KUBERNETES_ROLLOUT_RESTART_KIND,
  planRolloutRestart,
  RESTARTED_BY_ANNOTATION,
  restartPatch,
} from './kubernetes-rollout-restart.plan.js';

/**
 * `kubernetes.rollout-restart`: a merge patch of the Deployment's pod template annotation
 * `hub.io/restarted-by` (the action id), which rolls its pods like `kubectl rollout restart` — the
 * shipped answer to a crash-looping Deployment (config/sensors/kubernetes-crashloop.yaml). A missing
 * Deployment is a permanent failure.
 */
export class KubernetesRolloutRestartAction implements Action {
  readonly kind = KUBERNETES_ROLLOUT_RESTART_KIND;

  constructor(private readonly client: KubernetesClient) {}

  plan(request: ActionRequested): PlannedCall {
    return planRolloutRestart(request);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const ref = deploymentRefOf(request);
    const patched = await this.client.mergePatch(ref, restartPatch(request.actionId), context.signal);
    return {
      details: {
        deployment: `${ref.namespace}/${ref.name}`,
        [RESTARTED_BY_ANNOTATION]: request.actionId,
        generation: patched.metadata?.generation,
        resourceVersion: patched.metadata?.resourceVersion,
        server: this.client.server,
      },
    };
  }
}
