import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { assertKubernetesNames } from '../params.js';
import { type CustomObjectRef } from './kubernetes.client.js';

/** The action kind (routing key `action.requested.externalsecret.refresh`). */
export const EXTERNALSECRET_REFRESH_KIND = 'externalsecret.refresh';

/** The annotation whose change makes the External Secrets operator refresh the secret now. */
export const FORCE_SYNC_ANNOTATION = 'force-sync';

const paramsSchema = z.object({ name: z.string().min(1).optional(), namespace: z.string().min(1).optional() }).loose();

/**
 * The ExternalSecret of an `externalsecret.refresh` request: target `<namespace>/<name>`, params
 * `{ name, namespace }` (either may be left out when the other says it). Throws
 * InvalidActionParamsError when they are missing or disagree.
 */
export function externalSecretRefOf(request: ActionRequested, version: string): CustomObjectRef {
  const parsed = paramsSchema.safeParse(request.params);
  if (!parsed.success) {
    throw new InvalidActionParamsError('invalid externalsecret.refresh params: name and namespace must be strings', {
      params: request.params,
    });
  }
  const slash = request.target.indexOf('/');
  const fromTarget =
    slash > 0 ? { namespace: request.target.slice(0, slash), name: request.target.slice(slash + 1) } : undefined;
  const namespace = parsed.data.namespace ?? fromTarget?.namespace;
  const name = parsed.data.name ?? fromTarget?.name ?? (slash < 0 ? request.target : undefined);
  if (!namespace || !name) {
    throw new InvalidActionParamsError(
      `externalsecret.refresh needs a target "<namespace>/<name>" or params { name, namespace } (got "${request.target}")`,
      { target: request.target, params: request.params },
    );
  }
  if (fromTarget && (fromTarget.namespace !== namespace || fromTarget.name !== name)) {
    throw new InvalidActionParamsError(
      `externalsecret.refresh params ${namespace}/${name} do not match the target "${request.target}"`,
      { target: request.target, params: request.params },
    );
  }
  assertKubernetesNames(request, { namespace: [namespace, 'label'], name: [name, 'subdomain'] });
  return { group: 'external-secrets.io', version, plural: 'externalsecrets', namespace, name };
}

/** The merge patch that forces a refresh: `force-sync` = the current Unix time, as the ESO docs do. */
export function forceSyncPatch(now = new Date()): { metadata: { annotations: Record<string, string> } } {
  return { metadata: { annotations: { [FORCE_SYNC_ANNOTATION]: String(Math.floor(now.getTime() / 1_000)) } } };
}

/** What an `externalsecret.refresh` sends, for dry runs and the outbox. */
export function planExternalSecretRefresh(request: ActionRequested, version: string): PlannedCall {
  const ref = externalSecretRefOf(request, version);
  return {
    integration: 'kubernetes',
    operation: 'externalsecret.patch',
    request: {
      method: 'PATCH',
      path: `/apis/${ref.group}/${ref.version}/namespaces/${ref.namespace}/${ref.plural}/${ref.name}`,
      contentType: 'application/merge-patch+json',
      body: forceSyncPatch(),
    },
  };
}
