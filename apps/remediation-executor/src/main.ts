import { runMain } from '@hub/service';
import { loadRemediationExecutorConfig } from './remediation-executor.config.js';
import { createRemediationExecutorApp } from './remediation-executor.app.js';

await runMain('remediation-executor', {
  loadConfig: () => loadRemediationExecutorConfig(),
  create: createRemediationExecutorApp,
  describe: (_built, config) => {
    const targets = [
      `Argo CD: ${config.ARGOCD_URL ?? 'outbox (ARGOCD_URL not set)'}`,
      `Kubernetes: ${config.KUBE_API_URL ?? config.KUBECONFIG ?? 'outbox (KUBE_API_URL / KUBECONFIG not set)'}`,
    ];
    return (
      `remediation-executor: ${targets.join('; ')}${config.HUB_DRY_RUN ? '; HUB_DRY_RUN: nothing is sent' : ''}; ` +
      `health and metrics on :${config.HUB_METRICS_PORT}`
    );
  },
});
