import { ConfigError, TeamsConfigError } from '@hub/config';
import { createLogger, PinoNestLogger } from '@hub/telemetry';
import { loadRemediationExecutorConfig } from './remediation-executor.config.js';
import { createRemediationExecutorApp } from './remediation-executor.app.js';
import { InvalidProvisioningConfigError } from './provisioning/provisioning.errors.js';

async function main(): Promise<void> {
  const config = loadRemediationExecutorConfig();
  const logger = new PinoNestLogger(createLogger('remediation-executor', config.LOG_LEVEL));
  const { app } = await createRemediationExecutorApp(config, { logger });
  await app.startAllMicroservices();
  await app.listen(config.HUB_METRICS_PORT, '0.0.0.0');
  const targets = [
    `Argo CD: ${config.ARGOCD_URL ?? 'outbox (ARGOCD_URL not set)'}`,
    `Kubernetes: ${config.KUBE_API_URL ?? config.KUBECONFIG ?? 'outbox (KUBE_API_URL / KUBECONFIG not set)'}`,
  ];
  logger.log(
    `remediation-executor: ${targets.join('; ')}${config.HUB_DRY_RUN ? '; HUB_DRY_RUN: nothing is sent' : ''}; ` +
      `health and metrics on :${config.HUB_METRICS_PORT}`,
    'Main',
  );
}

main().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof InvalidProvisioningConfigError ||
    error instanceof TeamsConfigError
  ) {
    process.stderr.write(`remediation-executor: ${error.message}\n`);
  } else {
    process.stderr.write(
      `remediation-executor failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});
