import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { InvalidActionParamsError } from '../action.errors.js';
import { type PlannedCall } from '../action.js';
import { assertKubernetesNames, parseParams } from '../params.js';

/** The action kind (routing key `action.requested.kubernetes.apply`). */
export const KUBERNETES_APPLY_KIND = 'kubernetes.apply';

/** The field manager of every apply: the fields Hub owns on the server. */
export const FIELD_MANAGER = 'hub';

export const APPLY_PATCH = 'application/apply-patch+yaml';

/** Where a kind lives: its plural and whether it is namespaced. */
export interface ResourceType {
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * The kinds known without being told, by `apiVersion/kind`. Others come with the params
 * (`resources: { 'example.com/v1/Widget': { plural: widgets, namespaced: true } }`): the action does
 * not guess plurals, and never calls discovery.
 */
const KNOWN: Record<string, ResourceType> = {
  'v1/Namespace': { plural: 'namespaces', namespaced: false },
  'v1/ConfigMap': { plural: 'configmaps', namespaced: true },
  'v1/Service': { plural: 'services', namespaced: true },
  'v1/ServiceAccount': { plural: 'serviceaccounts', namespaced: true },
  'v1/ResourceQuota': { plural: 'resourcequotas', namespaced: true },
  'v1/LimitRange': { plural: 'limitranges', namespaced: true },
  'apps/v1/Deployment': { plural: 'deployments', namespaced: true },
  'apps/v1/StatefulSet': { plural: 'statefulsets', namespaced: true },
  'batch/v1/Job': { plural: 'jobs', namespaced: true },
  'batch/v1/CronJob': { plural: 'cronjobs', namespaced: true },
  'networking.k8s.io/v1/NetworkPolicy': { plural: 'networkpolicies', namespaced: true },
  'networking.k8s.io/v1/Ingress': { plural: 'ingresses', namespaced: true },
  'rbac.authorization.k8s.io/v1/Role': { plural: 'roles', namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': { plural: 'rolebindings', namespaced: true },
  'argoproj.io/v1alpha1/Application': { plural: 'applications', namespaced: true },
};

const manifestSchema = z.looseObject({
  apiVersion: z.string().regex(/^([a-z0-9.-]+\/)?v[0-9a-z]+$/, { error: 'must be an apiVersion like apps/v1' }),
  kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, { error: 'must be a kind like Deployment' }),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().min(1).optional() }),
});

/**
 * Params of `kubernetes.apply`: the manifests as objects — the sensor renders their strings from
 * the event with its template helpers, leaf by leaf, so an event value is only ever a string in a
 * field: it can neither add fields nor be evaluated (no text template of YAML).
 */
const paramsSchema = z.strictObject({
  manifests: z.array(manifestSchema).min(1).max(20),
  /** The namespace of namespaced manifests without `metadata.namespace`. */
  namespace: z.string().optional(),
  /** Take over fields another manager owns (`--force-conflicts`); default: a conflict fails for good. */
  force: z.boolean().default(false),
  resources: z
    .record(z.string(), z.strictObject({ plural: z.string().regex(/^[a-z][a-z0-9]*$/), namespaced: z.boolean() }))
    .default({}),
});

/** One server-side apply: the object's path and the manifest sent as the apply patch. */
export interface ApplyCall {
  readonly path: string;
  readonly manifest: Record<string, unknown>;
  readonly object: string;
}

/** The apply calls of a request, every name checked, in the manifests' order. */
export function applyCallsOf(request: ActionRequested): { calls: ApplyCall[]; force: boolean } {
  const params = parseParams(request, paramsSchema);
  const calls = params.manifests.map((manifest, index) => {
    const typeKey = `${manifest.apiVersion}/${manifest.kind}`;
    const type = params.resources[typeKey] ?? KNOWN[typeKey];
    if (!type) {
      throw new InvalidActionParamsError(
        `kubernetes.apply manifests.${index}: unknown kind ${typeKey}; name its plural in params.resources`,
        { kind: typeKey },
      );
    }
    const { name } = manifest.metadata;
    const namespace = type.namespaced ? (manifest.metadata.namespace ?? params.namespace) : undefined;
    if (type.namespaced && !namespace) {
      throw new InvalidActionParamsError(
        `kubernetes.apply manifests.${index}: ${manifest.kind} ${name} needs metadata.namespace or params.namespace`,
        { kind: typeKey, name },
      );
    }
    if (!type.namespaced && manifest.metadata.namespace) {
      throw new InvalidActionParamsError(`kubernetes.apply manifests.${index}: ${manifest.kind} is cluster-scoped`, {
        kind: typeKey,
        name,
      });
    }
    assertKubernetesNames(request, {
      [`manifests.${index}.metadata.namespace`]: [namespace, 'label'],
      [`manifests.${index}.metadata.name`]: [name, 'subdomain'],
    });
    const base = manifest.apiVersion.includes('/') ? `/apis/${manifest.apiVersion}` : `/api/${manifest.apiVersion}`;
    const scope = namespace ? `/namespaces/${namespace}` : '';
    return {
      path: `${base}${scope}/${type.plural}/${name}`,
      manifest: { ...manifest, metadata: { ...manifest.metadata, ...(namespace ? { namespace } : {}) } },
      object: `${manifest.kind} ${namespace ? `${namespace}/` : ''}${name}`,
    };
  });
  return { calls, force: params.force };
}

/** The query of an apply: field manager `hub`, `force`, and `dryRun=All` for a dry run. */
export function applyQuery(force: boolean, dryRun: boolean): string {
  const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, force: String(force) });
  if (dryRun) query.set('dryRun', 'All');
  return query.toString();
}

/** What a `kubernetes.apply` sends (the rendered manifests), for dry runs and the outbox. */
export function planKubernetesApply(request: ActionRequested): PlannedCall {
  const { calls, force } = applyCallsOf(request);
  return {
    integration: 'kubernetes',
    operation: 'manifests.apply',
    request: {
      method: 'PATCH',
      contentType: APPLY_PATCH,
      query: applyQuery(force, false),
      objects: calls.map((call) => ({ path: call.path, manifest: call.manifest })),
    },
  };
}
