import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { RetentionSweeper } from '@hub/database';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { feedsOf, HubRmqServer, MessagingModule } from '@hub/messaging';
import { HttpSpanNameInterceptor, MetricsController } from '@hub/telemetry';
import { type Action } from './actions/action.js';
import { ActionRegistry } from './actions/action.registry.js';
import { ActionRequestedConsumer } from './consumer/action-requested.consumer.js';
import { ExecutorDatabase } from './database/executor.database.js';
import { HealthController } from './health/health.controller.js';
import { EXECUTOR_CONFIG, type RemediationExecutorConfig } from './remediation-executor.config.js';
import { ActionRunsRepository } from './runner/action-runs.repository.js';
import { ActionRunner } from './runner/action.runner.js';
import { EXECUTION_POLICY, executionPolicyOf } from './runner/execution.policy.js';
import { PublishedMarks, publishedMarkMs } from './runner/published-marks.js';
import { ResultRelay } from './runner/result.relay.js';
import { runRetentionRules } from './runner/run-retention.js';
import { provisioningProviders, type ProvisioningDeps } from './provisioning/provisioning.providers.js';
import { ProvisioningConsumer } from './provisioning/provisioning.consumer.js';

/** What the app factory builds before Nest: the consumer, the database pools and the actions. */
export interface RemediationExecutorDeps {
  config: RemediationExecutorConfig;
  server: HubRmqServer;
  database: ExecutorDatabase;
  actions: readonly Action[];
  /** S3: the provisioning policy and plan steps. */
  provisioning: ProvisioningDeps;
}

/**
 * The remediation executor: `action.requested.#` in, actions run, `action.succeeded|failed` out;
 * `provisioning.requested` in, provisioning plans run (S3).
 */
@Module({})
export class RemediationExecutorModule {
  static forRoot(deps: RemediationExecutorDeps): DynamicModule {
    const { config } = deps;
    return {
      module: RemediationExecutorModule,
      imports: [
        MessagingModule.forRoot({
          url: config.AMQP_URL,
          connectionName: 'remediation-executor',
          exchange: config.HUB_EXCHANGE,
          partitions: config.HUB_PARTITIONS,
          feeds: feedsOf('remediation-executor'),
        }),
      ],
      controllers: [ActionRequestedConsumer, ProvisioningConsumer, HealthController, MetricsController],
      providers: [
        { provide: EXECUTOR_CONFIG, useValue: config },
        { provide: HubRmqServer, useValue: deps.server },
        { provide: ExecutorDatabase, useValue: deps.database },
        { provide: ActionRegistry, useValue: new ActionRegistry(deps.actions) },
        { provide: ActionRunsRepository, useValue: new ActionRunsRepository(deps.database.db) },
        { provide: EXECUTION_POLICY, useValue: executionPolicyOf(config) },
        {
          provide: PublishedMarks,
          useFactory: (runs: ActionRunsRepository) => new PublishedMarks(runs, publishedMarkMs(config)),
          inject: [ActionRunsRepository],
        },
        ActionRunner,
        ResultRelay,
        {
          provide: RetentionSweeper,
          useFactory: () =>
            new RetentionSweeper(deps.database.db, runRetentionRules(config.EXECUTOR_RUN_RETENTION), {
              intervalMs: config.HUB_RETENTION_SWEEP,
              logger: new Logger('Retention'),
            }),
        },
        ...provisioningProviders(deps.provisioning),
        { provide: APP_INTERCEPTOR, useClass: HttpSpanNameInterceptor },
      ],
    };
  }
}
