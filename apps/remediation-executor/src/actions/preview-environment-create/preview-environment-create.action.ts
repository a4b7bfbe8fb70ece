import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionOutcome, type ActionContext, type PlannedCall } from '../action.js';
import { KubernetesRequestError } from '../externalsecret-refresh/kubernetes.errors.js';
import { type KubernetesObjectsClient } from '../../provisioning/kubernetes/kubernetes-objects.client.js';
import { type Manifest, matches } from '../../provisioning/kubernetes/manifests.js';
import { ResourceConflictError } from '../../provisioning/provisioning.errors.js';
import {
  planPreviewCreate,
  PREVIEW_ENVIRONMENT_CREATE_KIND,
  previewCreateParamsOf,
  previewManifests,
} from './preview-environment.plan.js';

/**
 * `preview.environment.create` ("pull request opened → preview environment"): the namespace
 * labelled `preview=true` (plus app, pr, team) and an Argo CD Application for the PR's head in it,
 * through the Kubernetes API. An object that exists already and is the one this request makes (a
 * redelivery, a retry) is taken as done; someone else's object is refused for good, never adopted.
 * The nightly `namespaces.cleanup-preview` removes what a closed PR left behind.
 */
export class PreviewEnvironmentCreateAction implements Action {
  readonly kind = PREVIEW_ENVIRONMENT_CREATE_KIND;

  constructor(private readonly client: KubernetesObjectsClient) {}

  plan(request: ActionRequested): PlannedCall {
    return planPreviewCreate(request);
  }

  async run(request: ActionRequested, { signal }: ActionContext): Promise<ActionOutcome> {
    const params = previewCreateParamsOf(request);
    const [namespace, application] = previewManifests(params);
    const namespaceCreated = await this.ensure(namespace, signal);
    const applicationCreated = await this.ensure(application, signal);
    return {
      details: {
        namespace: params.namespace,
        application: `${params.argocdNamespace}/${params.namespace}`,
        revision: params.revision,
        repoURL: params.repoURL,
        created: { namespace: namespaceCreated, application: applicationCreated },
      },
    };
  }

  /** Creates the object; true when made now, false when the same one was there. */
  private async ensure({ ref, body }: Manifest, signal: AbortSignal): Promise<boolean> {
    try {
      await this.client.create(ref, body, signal);
      return true;
    } catch (error) {
      if (!(error instanceof KubernetesRequestError && error.status === 409)) throw error;
    }
    const existing = await this.client.read(ref, signal);
    if (!matches(body, existing)) {
      throw new ResourceConflictError(
        `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} exists and is not this preview environment`,
        { ...ref },
      );
    }
    return false;
  }
}
