import { type ProvisioningStepName } from '@hub/contracts';
import {
  KubernetesNotFoundError,
  KubernetesRequestError,
} from '../../actions/externalsecret-refresh/kubernetes.errors.js';
import { type ProvisioningStep, type StepContext, type StepOutcome } from '../plan/step.js';
import { ResourceConflictError } from '../provisioning.errors.js';
import { type PlanRequest } from '../provisioning.request.js';
import { type KubernetesObjectsClient } from './kubernetes-objects.client.js';
import { type Manifest, matches } from './manifests.js';

/**
 * A step that makes one Kubernetes object: create it; on 409 AlreadyExists read it and accept it
 * when it matches (a retry, or a resumed plan whose create went through before the crash), refuse
 * it for good when it does not (someone else's object is never adopted, nor deleted later).
 * Compensation deletes it; already gone is fine.
 */
export class KubernetesObjectStep implements ProvisioningStep {
  constructor(
    readonly name: ProvisioningStepName,
    private readonly manifestOf: (request: PlanRequest) => Manifest,
    private readonly client: KubernetesObjectsClient,
    private readonly linksOf?: (request: PlanRequest) => Record<string, string>,
  ) {}

  async apply(request: PlanRequest, { signal }: StepContext): Promise<StepOutcome> {
    const { ref, body } = this.manifestOf(request);
    const links = this.linksOf?.(request);
    const details = { ...ref, ...(links ? { links } : {}) };
    try {
      await this.client.create(ref, body, signal);
      return { details: { ...details, created: true } };
    } catch (error) {
      if (!(error instanceof KubernetesRequestError && error.status === 409)) throw error;
    }
    const existing = await this.client.read(ref, signal);
    if (!matches(body, existing)) {
      throw new ResourceConflictError(
        `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} already exists and is not the one this request makes`,
        { ...ref },
      );
    }
    return { details: { ...details, created: false, verified: true } };
  }

  async compensate(request: PlanRequest, { signal }: StepContext): Promise<StepOutcome> {
    const { ref } = this.manifestOf(request);
    try {
      await this.client.delete(ref, signal);
      return { details: { ...ref, deleted: true } };
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) return { details: { ...ref, deleted: false, gone: true } };
      throw error;
    }
  }
}
