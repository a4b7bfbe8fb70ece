import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type KubernetesClient } from './kubernetes.client.js';
import {
  EXTERNALSECRET_REFRESH_KIND,
  externalSecretRefOf,
  FORCE_SYNC_ANNOTATION,
  forceSyncPatch,
  planExternalSecretRefresh,
} from './externalsecret-refresh.plan.js';

/**
 * `externalsecret.refresh` (S2): a merge patch of the ExternalSecret's `force-sync` annotation,
 * which makes the External Secrets operator fetch the secret from its store at once instead of
 * waiting for `refreshInterval`. A missing ExternalSecret is a permanent failure.
 */
export class ExternalSecretRefreshAction implements Action {
  readonly kind = EXTERNALSECRET_REFRESH_KIND;

  constructor(
    private readonly client: KubernetesClient,
    /** EXTERNAL_SECRETS_API_VERSION. */
    private readonly version: string,
  ) {}

  plan(request: ActionRequested): PlannedCall {
    return planExternalSecretRefresh(request, this.version);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const ref = externalSecretRefOf(request, this.version);
    const patch = forceSyncPatch();
    const patched = await this.client.mergePatch(ref, patch, context.signal);
    return {
      details: {
        externalSecret: `${ref.namespace}/${ref.name}`,
        apiVersion: patched.apiVersion ?? `${ref.group}/${ref.version}`,
        [FORCE_SYNC_ANNOTATION]: patch.metadata.annotations[FORCE_SYNC_ANNOTATION],
        resourceVersion: patched.metadata?.resourceVersion,
        server: this.client.server,
      },
    };
  }
}
