import { type KubernetesObject } from '../../actions/externalsecret-refresh/kubernetes.client.js';
import { type ProvisioningFile } from '../provisioning.config.js';
import { type PlanRequest } from '../provisioning.request.js';
import { type ObjectRef } from './kubernetes-objects.client.js';

/** An object a step makes: where it is and what it holds. */
export interface Manifest {
  readonly ref: ObjectRef;
  readonly body: KubernetesObject & Record<string, unknown>;
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'hub' } as const;

/** The labels of everything the plan makes: team and app (the quota report selects on `team`), managed-by. */
export function labelsOf(request: PlanRequest): Record<string, string> {
  return { team: request.ownerTeam, app: request.appName, ...MANAGED_BY };
}

function metadata(request: PlanRequest, name: string, namespace?: string) {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: labelsOf(request),
    annotations: { 'hub.io/request-id': request.id },
  };
}

export function namespaceManifest(request: PlanRequest): Manifest {
  const name = request.namespace;
  return {
    ref: { kind: 'Namespace', name },
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: metadata(request, name) },
  };
}

export function resourceQuotaManifest(request: PlanRequest): Manifest {
  const namespace = request.namespace;
  const hard: Record<string, string> = {
    'requests.cpu': request.quota.cpu,
    'requests.memory': request.quota.memory,
    'limits.cpu': request.quota.cpu,
    'limits.memory': request.quota.memory,
    ...(request.quota.pods !== undefined ? { pods: String(request.quota.pods) } : {}),
  };
  return {
    ref: { kind: 'ResourceQuota', name: 'hub-quota', namespace },
    body: {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: metadata(request, 'hub-quota', namespace),
      spec: { hard },
    },
  };
}

export function limitRangeManifest(request: PlanRequest, file: ProvisioningFile): Manifest {
  const namespace = request.namespace;
  const { default: limits, defaultRequest } = file.defaults.limitRange;
  return {
    ref: { kind: 'LimitRange', name: 'hub-defaults', namespace },
    body: {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: metadata(request, 'hub-defaults', namespace),
      spec: { limits: [{ type: 'Container', default: { ...limits }, defaultRequest: { ...defaultRequest } }] },
    },
  };
}

export function roleBindingManifest(request: PlanRequest, file: ProvisioningFile, group: string): Manifest {
  const namespace = request.namespace;
  const name = `hub-${request.ownerTeam}-${file.defaults.clusterRole}`;
  return {
    ref: { kind: 'RoleBinding', name, namespace },
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(request, name, namespace),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: file.defaults.clusterRole },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
    },
  };
}

export function applicationManifest(request: PlanRequest, file: ProvisioningFile): Manifest {
  const { argocd } = file;
  const name = request.namespace;
  return {
    ref: { kind: 'Application', name, namespace: argocd.namespace },
    body: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: metadata(request, name, argocd.namespace),
      spec: {
        project: argocd.project,
        source: { repoURL: request.repositoryUrl, path: argocd.path, targetRevision: argocd.targetRevision },
        destination: { server: 'https://kubernetes.default.svc', namespace: request.namespace },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    },
  };
}

/**
 * Whether an object that exists is the one `desired` describes: every label and every field of
 * `desired` (but metadata) is there with the same value. The API server adds defaults and status,
 * so more is fine; a different value is someone else's object.
 */
export function matches(desired: Record<string, unknown>, actual: unknown): boolean {
  const { metadata: want, ...fields } = desired as { metadata?: { labels?: Record<string, string> } };
  const got = actual as { metadata?: { labels?: Record<string, string> } } | undefined;
  const labels = Object.entries(want?.labels ?? {}).every(([k, v]) => got?.metadata?.labels?.[k] === v);
  return labels && subset(fields, actual);
}

function subset(want: unknown, got: unknown): boolean {
  if (Array.isArray(want)) {
    return Array.isArray(got) && want.length === got.length && want.every((item, i) => subset(item, got[i]));
  }
  if (typeof want === 'object' && want !== null) {
    if (typeof got !== 'object' || got === null) return false;
    return Object.entries(want).every(([k, v]) => subset(v, (got as Record<string, unknown>)[k]));
  }
  return want === got;
}
