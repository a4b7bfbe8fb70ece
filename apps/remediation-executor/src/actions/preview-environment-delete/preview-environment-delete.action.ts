import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { KubernetesNotFoundError } from '../externalsecret-refresh/kubernetes.errors.js';
import {
  type KubernetesObjectsClient,
  type ObjectRef,
} from '../../provisioning/kubernetes/kubernetes-objects.client.js';
import { ResourceConflictError } from '../../provisioning/provisioning.errors.js';
import { previewLabels, previewParamsOf } from '../preview-environment-create/preview-environment.plan.js';
import { PREVIEW_ENVIRONMENT_DELETE_KIND, planPreviewDelete, previewRefs } from './preview-environment-delete.plan.js';

/**
 * `preview.environment.delete` (the PR was closed or merged): deletes the preview's Argo CD
 * Application, then its namespace, at once. Only a namespace labelled `preview=true` with this
 * PR's `app` and `pr` labels is deleted — a target naming any other namespace is refused for good.
 * Already gone (deleted by hand, by the nightly cleanup, or by an earlier attempt) is fine.
 */
export class PreviewEnvironmentDeleteAction implements Action {
  readonly kind = PREVIEW_ENVIRONMENT_DELETE_KIND;

  constructor(private readonly client: KubernetesObjectsClient) {}

  plan(request: ActionRequested): PlannedCall {
    return planPreviewDelete(request);
  }

  async run(request: ActionRequested, { signal }: ActionContext): Promise<ActionOutcome> {
    const params = previewParamsOf(request);
    const [application, namespace] = previewRefs(params);
    const existing = await this.readOrGone(namespace, signal);
    if (existing) {
      const want = previewLabels(params);
      const labels = existing.metadata?.labels ?? {};
      const mismatched = ['preview', 'app', 'pr'].filter((key) => labels[key] !== want[key]);
      if (mismatched.length > 0) {
        throw new ResourceConflictError(
          `namespace ${params.namespace} is not the preview of ${params.app} PR ${params.pr} (labels ${mismatched.join(', ')} differ): not deleted`,
          { namespace: params.namespace, labels },
        );
      }
    }
    const deleted = {
      application: await this.deleteOrGone(application, signal),
      namespace: existing ? await this.deleteOrGone(namespace, signal) : false,
    };
    return {
      details: { namespace: params.namespace, application: `${params.argocdNamespace}/${params.namespace}`, deleted },
    };
  }

  private async readOrGone(ref: ObjectRef, signal: AbortSignal) {
    try {
      return await this.client.read(ref, signal);
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) return undefined;
      throw error;
    }
  }

  /** True when deleted now, false when it was already gone. */
  private async deleteOrGone(ref: ObjectRef, signal: AbortSignal): Promise<boolean> {
    try {
      await this.client.delete(ref, signal);
      return true;
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) return false;
      throw error;
    }
  }
}
