import { type ActionRequested } from '@hub/contracts';
import { InvalidActionParamsError } from '../action.errors.js';
import { deploymentRefOf, planRolloutRestart } from './kubernetes-rollout-restart.plan.js';

const request = (target: string): ActionRequested => ({
  actionId: 'act-1',
  kind: 'kubernetes.rollout-restart',
  target,
  params: {},
  dryRun: false,
});

describe(planRolloutRestart.name, () => {
  it('patches the pod template annotation with the action id (a retry rolls nothing more)', () => {
    expect(planRolloutRestart(request('shop/web'))).toEqual({
      integration: 'kubernetes',
      operation: 'deployment.patch',
      request: {
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/shop/deployments/web',
        contentType: 'application/merge-patch+json',
        body: { spec: { template: { metadata: { annotations: { 'hub.io/restarted-by': 'act-1' } } } } },
      },
    });
  });

  it('refuses a target that is not <namespace>/<deployment> or not a Kubernetes name', () => {
    for (const target of ['web', 'a/b/c', '../web', 'shop/Web_1']) {
      expect(() => deploymentRefOf(request(target)), target).toThrow(InvalidActionParamsError);
    }
  });
});
