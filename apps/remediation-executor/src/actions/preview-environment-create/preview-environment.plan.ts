import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { assertKubernetesNames, parseParams } from '../params.js';
import { type Manifest } from '../../provisioning/kubernetes/manifests.js';

/** The action kinds (routing keys `action.requested.preview.environment.create|delete`). */
export const PREVIEW_ENVIRONMENT_CREATE_KIND = 'preview.environment.create';
export const PREVIEW_ENVIRONMENT_DELETE_KIND = 'preview.environment.delete';

/** The label every preview namespace carries (what the nightly `namespaces.cleanup-preview` selects). */
export const PREVIEW_LABEL = 'preview';

/**
 * Params of both actions; the target is the preview namespace (`preview-payments-api-pr-42`).
 * `app` and `pr` label the namespace and name what it belongs to; `team` labels it when given.
 * Create needs `repoURL` and `revision` (the PR's head); `path` is the manifests' folder in it.
 */
const paramsSchema = z
  .object({
    app: z.string().min(1),
    pr: z.coerce.number().int().positive(),
    team: z.string().min(1).optional(),
    repoURL: z.url().optional(),
    revision: z.string().min(1).optional(),
    path: z.string().min(1).default('.'),
    argocdNamespace: z.string().min(1).default('argocd'),
    project: z.string().min(1).default('default'),
  })
  .loose();

export interface PreviewEnvironmentParams {
  readonly namespace: string;
  readonly app: string;
  readonly pr: number;
  readonly team?: string;
  readonly repoURL?: string;
  readonly revision?: string;
  readonly path: string;
  readonly argocdNamespace: string;
  readonly project: string;
}

export type PreviewSource = PreviewEnvironmentParams & { readonly repoURL: string; readonly revision: string };

/** The params of a preview action; throws InvalidActionParamsError for bad ones (names included). */
export function previewParamsOf(request: ActionRequested): PreviewEnvironmentParams {
  const params = parseParams(request, paramsSchema);
  assertKubernetesNames(request, {
    target: [request.target, 'label'],
    app: [params.app, 'label'],
    team: [params.team, 'label'],
    argocdNamespace: [params.argocdNamespace, 'label'],
    project: [params.project, 'subdomain'],
  });
  return { namespace: request.target, ...params };
}

/** The create's params: the PR's `repoURL` and head `revision` are required there. */
export function previewCreateParamsOf(request: ActionRequested): PreviewSource {
  const params = previewParamsOf(request);
  if (params.repoURL === undefined || params.revision === undefined) {
    throw new InvalidActionParamsError(`invalid ${request.kind} params: repoURL and revision are required`, {
      params: request.params,
    });
  }
  return { ...params, repoURL: params.repoURL, revision: params.revision };
}

/** The labels of the namespace and Application: `preview=true`, `app`, `pr` and `team` when given. */
export function previewLabels(params: PreviewEnvironmentParams): Record<string, string> {
  return {
    [PREVIEW_LABEL]: 'true',
    app: params.app,
    pr: String(params.pr),
    ...(params.team ? { team: params.team } : {}),
    'app.kubernetes.io/managed-by': 'hub',
  };
}

/** The preview's Namespace and its Argo CD Application (argoproj.io/v1alpha1) for the PR's head. */
export function previewManifests(params: PreviewSource): [Manifest, Manifest] {
  const labels = previewLabels(params);
  const name = params.namespace;
  return [
    {
      ref: { kind: 'Namespace', name },
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
    },
    {
      ref: { kind: 'Application', name, namespace: params.argocdNamespace },
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name, namespace: params.argocdNamespace, labels },
        spec: {
          project: params.project,
          source: { repoURL: params.repoURL, path: params.path, targetRevision: params.revision },
          destination: { server: 'https://kubernetes.default.svc', namespace: name },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      },
    },
  ];
}

/** What `preview.environment.create` sends: the two creates. */
export function planPreviewCreate(request: ActionRequested): PlannedCall {
  const manifests = previewManifests(previewCreateParamsOf(request));
  return {
    integration: 'kubernetes',
    operation: 'preview.create',
    request: { creates: manifests.map((m) => ({ ...m.ref, body: m.body })) },
  };
}
