import { type LoggerService } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { migrated } from '@hub/database';
import { serviceQueues, HubPublisher, HubRmqServer } from '@hub/messaging';
import { createHubService } from '@hub/service';
import { createActions } from './actions/action.registry.js';
import { provisioningSteps } from './provisioning/plan/provisioning.steps.js';
import { loadProvisioningSettings } from './provisioning/provisioning.config.js';
import { ExecutorDatabase } from './database/executor.database.js';
import { loadKubernetesClients } from './kubernetes/kubernetes.clients.js';
import { REMEDIATION_EXECUTOR_QUEUE, type RemediationExecutorConfig } from './remediation-executor.config.js';
import { RemediationExecutorModule } from './remediation-executor.module.js';
import { ActionRunner } from './runner/action.runner.js';

/** The built executor: the Nest app (HTTP side and transport), its consumer, publisher, runner and pools. */
export interface RemediationExecutorApp {
  app: NestFastifyApplication;
  server: HubRmqServer;
  publisher: HubPublisher;
  runner: ActionRunner;
  database: ExecutorDatabase;
}

/** Options of `createRemediationExecutorApp`. */
export interface RemediationExecutorAppOptions {
  /** Nest's logger; `false` silences it. */
  logger?: LoggerService | false;
  /** The queue to consume (default `remediation-executor`; tests use a unique one). */
  queue?: string;
}

/**
 * Builds the executor (not yet listening): migrates the database, picks each action kind's real
 * client or the outbox, and attaches the hub transport. `app.close()` aborts running actions (they
 * resume on redelivery), stops consuming, and closes the publisher and the database pools.
 */
export async function createRemediationExecutorApp(
  config: RemediationExecutorConfig,
  options: RemediationExecutorAppOptions = {},
): Promise<RemediationExecutorApp> {
  const kube = await loadKubernetesClients(
    {
      apiUrl: config.KUBE_API_URL,
      token: config.KUBE_TOKEN,
      caFile: config.KUBE_CA_FILE,
      kubeconfigPath: config.KUBECONFIG,
    },
    config.HUB_ACTION_REQUEST_TIMEOUT_MS,
  );
  const actions = createActions(config, kube);
  const settings = await loadProvisioningSettings(config.HUB_CONFIG_DIR);
  const live = !config.HUB_DRY_RUN;
  const steps = settings
    ? provisioningSteps(settings, {
        kubernetes: live ? kube?.objects : undefined,
        github: live && config.GITHUB_TOKEN ? { url: config.GITHUB_API_URL, token: config.GITHUB_TOKEN } : undefined,
        dataDir: config.HUB_DATA_DIR,
        requestTimeoutMs: config.HUB_ACTION_REQUEST_TIMEOUT_MS,
      })
    : [];
  const database = ExecutorDatabase.open(config.DATABASE_URL, config.HUB_ACTION_CONCURRENCY);
  await migrated(database.db, () => database.close());
  const server = new HubRmqServer({
    ...serviceQueues['remediation-executor'],
    url: config.AMQP_URL,
    connectionName: 'remediation-executor',
    exchange: config.HUB_EXCHANGE,
    queue: options.queue ?? REMEDIATION_EXECUTOR_QUEUE,
    prefetch: config.HUB_PREFETCH,
    partitions: config.HUB_PARTITIONS,
    shutdownGraceMs: config.HUB_SHUTDOWN_GRACE,
  });
  const app = await createHubService(
    RemediationExecutorModule.forRoot({ config, server, database, actions, provisioning: { settings, steps } }),
    { logger: options.logger, server },
  );
  return { app, server, publisher: app.get(HubPublisher), runner: app.get(ActionRunner), database };
}
