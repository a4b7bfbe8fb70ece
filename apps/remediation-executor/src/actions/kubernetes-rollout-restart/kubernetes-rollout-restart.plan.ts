import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { assertKubernetesNames } from '../params.js';
import { type CustomObjectRef } from '../externalsecret-refresh/kubernetes.client.js';

/** The action kind (routing key `action.requested.kubernetes.rollout-restart`). */
export const KUBERNETES_ROLLOUT_RESTART_KIND = 'kubernetes.rollout-restart';

/**
 * The pod-template annotation the restart sets to the action id. Any change of the pod template
 * rolls the Deployment (as `kubectl rollout restart` does with `restartedAt`); the action id makes
 * it idempotent: a retry or a redelivery of the same action sets the same value and rolls nothing.
 */
export const RESTARTED_BY_ANNOTATION = 'hub.io/restarted-by';

/** The Deployment of a request: target `<namespace>/<name>`. */
export function deploymentRefOf(request: ActionRequested): CustomObjectRef {
  const [namespace, name, ...rest] = request.target.split('/');
  if (!namespace || !name || rest.length > 0) {
    throw new InvalidActionParamsError(
      `kubernetes.rollout-restart needs a target "<namespace>/<deployment>" (got "${request.target}")`,
      { target: request.target },
    );
  }
  assertKubernetesNames(request, { namespace: [namespace, 'label'], name: [name, 'subdomain'] });
  return { group: 'apps', version: 'v1', plural: 'deployments', namespace, name };
}

/** The merge patch of the pod template that restarts the Deployment's pods. */
export function restartPatch(actionId: string) {
  return { spec: { template: { metadata: { annotations: { [RESTARTED_BY_ANNOTATION]: actionId } } } } };
}

/** What a `kubernetes.rollout-restart` sends, for dry runs and the outbox. */
export function planRolloutRestart(request: ActionRequested): PlannedCall {
  const ref = deploymentRefOf(request);
  return {
    integration: 'kubernetes',
    operation: 'deployment.patch',
    request: {
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${ref.namespace}/deployments/${ref.name}`,
      contentType: 'application/merge-patch+json',
      body: restartPatch(request.actionId),
    },
  };
}
