import { CallRecorder } from '@hub/recorder';
import { GitHubClient, repoOf } from '../github/github.client.js';
import { branchOf, PipelinePullRequestStep, renderPipeline } from '../github/pipeline-pull-request.step.js';
import { KubernetesObjectStep } from '../kubernetes/kubernetes-object.step.js';
import { type KubernetesObjectsClient } from '../kubernetes/kubernetes-objects.client.js';
import {
  applicationManifest,
  limitRangeManifest,
  type Manifest,
  namespaceManifest,
  resourceQuotaManifest,
  roleBindingManifest,
} from '../kubernetes/manifests.js';
import { type ProvisioningSettings } from '../provisioning.config.js';
import { type PlanRequest } from '../provisioning.request.js';
import { OutboxStep } from './outbox.step.js';
import { type ProvisioningStep } from './step.js';

/** Where the plan's systems are; each one that is not set sends its steps to the outbox. */
export interface PlanTargets {
  /** The Kubernetes API (KUBE_API_URL or KUBECONFIG, see `loadKubernetesClients`). */
  readonly kubernetes?: KubernetesObjectsClient;
  readonly github?: { url: string; token: string };
  readonly dataDir: string;
  readonly requestTimeoutMs: number;
}

/**
 * The plan of every request, in order: namespace (labels), ResourceQuota, LimitRange, RoleBinding
 * (the team's group gets `edit`), Argo CD Application (through the Kubernetes API), pipeline pull
 * request. Kubernetes steps need KUBE_API_URL or KUBECONFIG, the pull request GITHUB_TOKEN.
 */
export function provisioningSteps(settings: ProvisioningSettings, targets: PlanTargets): ProvisioningStep[] {
  const { file } = settings;
  const groupOf = (request: PlanRequest) => settings.teams.file.teams[request.ownerTeam]?.group ?? request.ownerTeam;
  const argoLink = (request: PlanRequest): Record<string, string> =>
    file.argocd.url
      ? { argocd: `${file.argocd.url.replace(/\/$/, '')}/applications/${file.argocd.namespace}/${request.namespace}` }
      : {};
  const kubernetes: [ProvisioningStep['name'], (request: PlanRequest) => Manifest, typeof argoLink?][] = [
    ['namespace', namespaceManifest],
    ['resource-quota', resourceQuotaManifest],
    ['limit-range', (request) => limitRangeManifest(request, file)],
    ['role-binding', (request) => roleBindingManifest(request, file, groupOf(request))],
    ['argocd-application', (request) => applicationManifest(request, file), argoLink],
  ];
  const client = targets.kubernetes;
  const kubeOutbox = new CallRecorder(targets.dataDir, 'kubernetes');
  const steps: ProvisioningStep[] = kubernetes.map(([name, manifestOf, linksOf]) =>
    client
      ? new KubernetesObjectStep(name, manifestOf, client, linksOf)
      : new OutboxStep(
          name,
          kubeOutbox,
          (request) => ({ ...manifestOf(request) }),
          'set KUBE_API_URL (and KUBE_TOKEN) or KUBECONFIG',
        ),
  );
  steps.push(
    targets.github
      ? new PipelinePullRequestStep(
          new GitHubClient({ ...targets.github, requestTimeoutMs: targets.requestTimeoutMs }),
          settings,
        )
      : new OutboxStep(
          'pipeline-pull-request',
          new CallRecorder(targets.dataDir, 'github'),
          (request) => ({
            ...repoOf(request.repositoryUrl),
            branch: branchOf(request),
            path: file.pipeline.path,
            content: renderPipeline(settings.pipelineTemplate, request),
          }),
          'set GITHUB_TOKEN (and GITHUB_API_URL)',
        ),
  );
  return steps;
}
