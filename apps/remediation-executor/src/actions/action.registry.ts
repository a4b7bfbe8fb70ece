import { type ActionRequested } from '@hub/contracts';
import { CallRecorder } from '@hub/recorder';
import { type KubernetesClients } from '../kubernetes/kubernetes.clients.js';
import { type RemediationExecutorConfig } from '../remediation-executor.config.js';
import { type Action, type PlannedCall } from './action.js';
import { ArgoCdClient } from './argocd-sync/argocd.client.js';
import { ArgoCdSyncAction } from './argocd-sync/argocd-sync.action.js';
import { ARGOCD_SYNC_KIND, planArgoCdSync } from './argocd-sync/argocd-sync.plan.js';
import { ArgoCdRollbackAction } from './argocd-rollback/argocd-rollback.action.js';
import { ARGOCD_ROLLBACK_KIND, planArgoCdRollback } from './argocd-rollback/argocd-rollback.plan.js';
import { ExternalSecretRefreshAction } from './externalsecret-refresh/externalsecret-refresh.action.js';
import {
  EXTERNALSECRET_REFRESH_KIND,
  planExternalSecretRefresh,
} from './externalsecret-refresh/externalsecret-refresh.plan.js';
import { OutboxAction } from './outbox/outbox.action.js';
import { ArgoWorkflowsClient } from './argo-workflows-submit/argo-workflows.client.js';
import { ArgoWorkflowsSubmitAction } from './argo-workflows-submit/argo-workflows-submit.action.js';
import { ARGO_WORKFLOWS_SUBMIT_KIND, planWorkflowSubmit } from './argo-workflows-submit/argo-workflows-submit.plan.js';
import { CertManagerCheckRenewAction } from './certmanager-check-renew/certmanager-check-renew.action.js';
import {
  CERTMANAGER_CHECK_RENEW_KIND,
  planCertificateCheck,
} from './certmanager-check-renew/certmanager-check-renew.plan.js';
import { NamespacesCleanupPreviewAction } from './namespaces-cleanup-preview/namespaces-cleanup-preview.action.js';
import {
  NAMESPACES_CLEANUP_PREVIEW_KIND,
  planCleanup,
} from './namespaces-cleanup-preview/namespaces-cleanup-preview.plan.js';
import { KubernetesRolloutRestartAction } from './kubernetes-rollout-restart/kubernetes-rollout-restart.action.js';
import {
  KUBERNETES_ROLLOUT_RESTART_KIND,
  planRolloutRestart,
} from './kubernetes-rollout-restart/kubernetes-rollout-restart.plan.js';
import { KubernetesDiagnosticsAction } from './kubernetes-diagnostics/kubernetes-diagnostics.action.js';
import { KUBERNETES_DIAGNOSTICS_KIND, planDiagnostics } from './kubernetes-diagnostics/kubernetes-diagnostics.plan.js';
import { QuotaTeamReportAction } from './quota-team-report/quota-team-report.action.js';
import { planTeamReport, QUOTA_TEAM_REPORT_KIND } from './quota-team-report/quota-team-report.plan.js';
import { environmentSecrets, HttpRequestAction } from './http-request/http-request.action.js';
import { HTTP_REQUEST_KIND, planHttpRequest } from './http-request/http-request.plan.js';
import { KubernetesApplyAction } from './kubernetes-apply/kubernetes-apply.action.js';
import { KUBERNETES_APPLY_KIND, planKubernetesApply } from './kubernetes-apply/kubernetes-apply.plan.js';
import { PreviewEnvironmentCreateAction } from './preview-environment-create/preview-environment-create.action.js';
import {
  planPreviewCreate,
  PREVIEW_ENVIRONMENT_CREATE_KIND,
} from './preview-environment-create/preview-environment.plan.js';
import { PreviewEnvironmentDeleteAction } from './preview-environment-delete/preview-environment-delete.action.js';
import {
  planPreviewDelete,
  PREVIEW_ENVIRONMENT_DELETE_KIND,
} from './preview-environment-delete/preview-environment-delete.plan.js';
import { GitHubClient } from '../provisioning/github/github.client.js';
import { GitOpsImageBumpAction } from './gitops-image-bump/gitops-image-bump.action.js';
import { GITOPS_IMAGE_BUMP_KIND, planImageBump } from './gitops-image-bump/gitops-image-bump.plan.js';
import { GitHubArtifactsPurgeAction } from './github-artifacts-purge/github-artifacts-purge.action.js';
import {
  GITHUB_ARTIFACTS_PURGE_KIND,
  planArtifactsPurge,
} from './github-artifacts-purge/github-artifacts-purge.plan.js';
import { StatuspageClient } from './statuspage-update/statuspage.client.js';
import { StatuspageUpdateAction } from './statuspage-update/statuspage-update.action.js';
import { planStatuspageUpdate, STATUSPAGE_UPDATE_KIND } from './statuspage-update/statuspage-update.plan.js';

/** The action kinds this executor runs, by kind. */
export class ActionRegistry {
  private readonly byKind: ReadonlyMap<string, Action>;

  constructor(actions: readonly Action[]) {
    this.byKind = new Map(actions.map((action) => [action.kind, action]));
  }

  get(kind: string): Action | undefined {
    return this.byKind.get(kind);
  }

  get kinds(): string[] {
    return [...this.byKind.keys()];
  }
}

/**
 * One action per kind: the real one when its target system is configured, else the outbox
 * (embedded default). `kube`: the Kubernetes clients (`loadKubernetesClients`), when KUBE_API_URL or
 * KUBECONFIG is set.
 */
export function createActions(config: RemediationExecutorConfig, kube?: KubernetesClients): Action[] {
  const requestTimeoutMs = config.HUB_ACTION_REQUEST_TIMEOUT_MS;
  const version = config.EXTERNAL_SECRETS_API_VERSION;
  const argoCd =
    config.ARGOCD_URL && config.ARGOCD_TOKEN
      ? new ArgoCdSyncAction(
          new ArgoCdClient({ url: config.ARGOCD_URL, token: config.ARGOCD_TOKEN, requestTimeoutMs }),
          {
            syncTimeoutMs: config.ARGOCD_SYNC_TIMEOUT_MS,
            pollIntervalMs: config.ARGOCD_POLL_INTERVAL_MS,
          },
        )
      : new OutboxAction(
          ARGOCD_SYNC_KIND,
          planArgoCdSync,
          new CallRecorder(config.HUB_DATA_DIR, 'argocd'),
          'set ARGOCD_URL and ARGOCD_TOKEN',
        );
  const externalSecrets = kube
    ? new ExternalSecretRefreshAction(kube.api, version)
    : new OutboxAction(
        EXTERNALSECRET_REFRESH_KIND,
        (request) => planExternalSecretRefresh(request, version),
        new CallRecorder(config.HUB_DATA_DIR, 'kubernetes'),
        'set KUBE_API_URL (and KUBE_TOKEN) or KUBECONFIG',
      );
  return [
    argoCd,
    argoCdRollback(config),
    externalSecrets,
    statuspageAction(config),
    httpRequestAction(config),
    ...scheduledOperations(config, kube),
    ...previewEnvironments(config, kube),
    ...gitHubActions(config),
  ];
}

/**
 * The S7 scheduled operations: three on the Kubernetes API, one on Argo Workflows; each to the
 * outbox when its system is not configured.
 */
function scheduledOperations(config: RemediationExecutorConfig, clients: KubernetesClients | undefined): Action[] {
  const kubernetesHint = 'set KUBE_API_URL (and KUBE_TOKEN) or KUBECONFIG';
  const kubernetesOutbox = new CallRecorder(config.HUB_DATA_DIR, 'kubernetes');
  const kube = clients?.api;
  const onKubernetes = (kind: string, planner: (request: ActionRequested) => PlannedCall, real?: Action): Action =>
    real ?? new OutboxAction(kind, planner, kubernetesOutbox, kubernetesHint);
  const argoWorkflows = config.ARGO_WORKFLOWS_URL
    ? new ArgoWorkflowsSubmitAction(
        new ArgoWorkflowsClient({
          url: config.ARGO_WORKFLOWS_URL,
          token: config.ARGO_WORKFLOWS_TOKEN,
          requestTimeoutMs: config.HUB_ACTION_REQUEST_TIMEOUT_MS,
        }),
        { timeoutMs: config.ARGO_WORKFLOWS_TIMEOUT_MS, pollIntervalMs: config.ARGO_WORKFLOWS_POLL_INTERVAL_MS },
      )
    : new OutboxAction(
        ARGO_WORKFLOWS_SUBMIT_KIND,
        planWorkflowSubmit,
        new CallRecorder(config.HUB_DATA_DIR, 'argo-workflows'),
        'set ARGO_WORKFLOWS_URL (and ARGO_WORKFLOWS_TOKEN)',
      );
  return [
    onKubernetes(CERTMANAGER_CHECK_RENEW_KIND, planCertificateCheck, kube && new CertManagerCheckRenewAction(kube)),
    onKubernetes(NAMESPACES_CLEANUP_PREVIEW_KIND, planCleanup, kube && new NamespacesCleanupPreviewAction(kube)),
    onKubernetes(QUOTA_TEAM_REPORT_KIND, planTeamReport, kube && new QuotaTeamReportAction(kube)),
    onKubernetes(KUBERNETES_ROLLOUT_RESTART_KIND, planRolloutRestart, kube && new KubernetesRolloutRestartAction(kube)),
    onKubernetes(KUBERNETES_APPLY_KIND, planKubernetesApply, clients && new KubernetesApplyAction(clients.apply)),
    onKubernetes(KUBERNETES_DIAGNOSTICS_KIND, planDiagnostics, kube && new KubernetesDiagnosticsAction(kube)),
    argoWorkflows,
  ];
}

/** "Pull request opened → preview environment" and its removal: the Kubernetes API, or the outbox without KUBE_*. */
function previewEnvironments(config: RemediationExecutorConfig, kube: KubernetesClients | undefined): Action[] {
  if (kube) {
    return [new PreviewEnvironmentCreateAction(kube.objects), new PreviewEnvironmentDeleteAction(kube.objects)];
  }
  const outbox = new CallRecorder(config.HUB_DATA_DIR, 'kubernetes');
  const hint = 'set KUBE_API_URL (and KUBE_TOKEN) or KUBECONFIG';
  return [
    new OutboxAction(PREVIEW_ENVIRONMENT_CREATE_KIND, planPreviewCreate, outbox, hint),
    new OutboxAction(PREVIEW_ENVIRONMENT_DELETE_KIND, planPreviewDelete, outbox, hint),
  ];
}

/** The GitHub actions (`gitops.image-bump`, `github.artifacts.purge`): `GITHUB_API_URL` with `GITHUB_TOKEN`, or the outbox without a token. */
function gitHubActions(config: RemediationExecutorConfig): Action[] {
  if (config.GITHUB_TOKEN) {
    const client = new GitHubClient({
      url: config.GITHUB_API_URL,
      token: config.GITHUB_TOKEN,
      requestTimeoutMs: config.HUB_ACTION_REQUEST_TIMEOUT_MS,
    });
    return [new GitOpsImageBumpAction(client), new GitHubArtifactsPurgeAction(client)];
  }
  const outbox = new CallRecorder(config.HUB_DATA_DIR, 'github');
  const hint = 'set GITHUB_TOKEN (and GITHUB_API_URL)';
  return [
    new OutboxAction(GITOPS_IMAGE_BUMP_KIND, planImageBump, outbox, hint),
    new OutboxAction(GITHUB_ARTIFACTS_PURGE_KIND, planArtifactsPurge, outbox, hint),
  ];
}

/** "Test suite failed → rollback": Argo CD's rollback API, or the outbox without ARGOCD_URL and ARGOCD_TOKEN. */
function argoCdRollback(config: RemediationExecutorConfig): Action {
  return config.ARGOCD_URL && config.ARGOCD_TOKEN
    ? new ArgoCdRollbackAction(
        new ArgoCdClient({
          url: config.ARGOCD_URL,
          token: config.ARGOCD_TOKEN,
          requestTimeoutMs: config.HUB_ACTION_REQUEST_TIMEOUT_MS,
        }),
        { syncTimeoutMs: config.ARGOCD_SYNC_TIMEOUT_MS, pollIntervalMs: config.ARGOCD_POLL_INTERVAL_MS },
      )
    : new OutboxAction(
        ARGOCD_ROLLBACK_KIND,
        planArgoCdRollback,
        new CallRecorder(config.HUB_DATA_DIR, 'argocd'),
        'set ARGOCD_URL and ARGOCD_TOKEN',
      );
}

/** S6: the Atlassian Statuspage API, or the outbox without a token and page id. */
function statuspageAction(config: RemediationExecutorConfig): Action {
  return config.STATUSPAGE_TOKEN && config.STATUSPAGE_PAGE_ID
    ? new StatuspageUpdateAction(
        new StatuspageClient({
          url: config.STATUSPAGE_URL,
          token: config.STATUSPAGE_TOKEN,
          pageId: config.STATUSPAGE_PAGE_ID,
          requestTimeoutMs: config.HUB_ACTION_REQUEST_TIMEOUT_MS,
        }),
      )
    : new OutboxAction(
        STATUSPAGE_UPDATE_KIND,
        (request) => planStatuspageUpdate(request, config.STATUSPAGE_PAGE_ID),
        new CallRecorder(config.HUB_DATA_DIR, 'statuspage'),
        'set STATUSPAGE_TOKEN and STATUSPAGE_PAGE_ID',
      );
}

/** `http.request` to the hosts of HUB_HTTP_ALLOWED_HOSTS, or the outbox when none is allowed. */
function httpRequestAction(config: RemediationExecutorConfig): Action {
  const hosts = new Set(config.HUB_HTTP_ALLOWED_HOSTS ?? []);
  return hosts.size > 0
    ? new HttpRequestAction(hosts, environmentSecrets(), config.HUB_ACTION_REQUEST_TIMEOUT_MS)
    : new OutboxAction(
        HTTP_REQUEST_KIND,
        // Without an allowlist nothing is called: every well-formed call goes to the outbox.
        (request) => {
          const url = String(request.params.url);
          return planHttpRequest(request, new Set(URL.canParse(url) ? [new URL(url).host] : []));
        },
        new CallRecorder(config.HUB_DATA_DIR, 'http'),
        'set HUB_HTTP_ALLOWED_HOSTS',
      );
}
