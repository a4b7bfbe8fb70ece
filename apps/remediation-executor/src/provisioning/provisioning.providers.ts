import { type Provider } from '@nestjs/common';
import { HubPublisher } from '@hub/messaging';
import { ExecutorDatabase } from '../database/executor.database.js';
import { EXECUTION_POLICY, type ExecutionPolicy } from '../runner/execution.policy.js';
import { ProvisioningPlanRunner } from './plan/plan.runner.js';
import { type ProvisioningStep } from './plan/step.js';
import { type ProvisioningSettings } from './provisioning.config.js';
import { ProvisioningRepository } from './provisioning.repository.js';
import { ProvisioningUpdates } from './provisioning.updates.js';

/** What the app factory loaded for S3: the policy file (undefined: provisioning off) and the steps. */
export interface ProvisioningDeps {
  readonly settings: ProvisioningSettings | undefined;
  readonly steps: readonly ProvisioningStep[];
}

/** The plan runner and what it uses, for the executor module. */
export function provisioningProviders(deps: ProvisioningDeps): Provider[] {
  return [
    {
      provide: ProvisioningPlanRunner,
      inject: [ExecutorDatabase, HubPublisher, EXECUTION_POLICY],
      useFactory: (database: ExecutorDatabase, publisher: HubPublisher, policy: ExecutionPolicy) => {
        const repository = new ProvisioningRepository(database.db);
        return new ProvisioningPlanRunner({
          database,
          repository,
          updates: new ProvisioningUpdates(publisher, repository),
          steps: deps.steps,
          settings: deps.settings,
          policy,
        });
      },
    },
  ];
}
