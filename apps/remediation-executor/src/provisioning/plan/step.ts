import { type ProvisioningStepName } from '@hub/contracts';
import { type PlanRequest } from '../provisioning.request.js';

/** What a step may know while it runs. */
export interface StepContext {
  /** Aborted when the executor shuts down: stop; the plan resumes on the redelivery. */
  readonly signal: AbortSignal;
  /** 1-based attempt of this step (continues across a resumed plan). */
  readonly attempt: number;
}

/** What a done step recorded: `links` (Argo CD app, pull request) reach the status API. */
export interface StepOutcome {
  readonly details: Record<string, unknown> & { readonly links?: Record<string, string> };
  /** True when the outbox took the call (the system is not configured). */
  readonly dryRun?: boolean;
}

/**
 * One step of the provisioning plan. `apply` is create-or-verify: what exists and matches is
 * success, so a step interrupted by a crash runs again safely and nothing is made twice.
 * `compensate` undoes it; an object already gone is success. Errors are `HubError`s whose
 * `retryable` tells the plan runner whether another attempt can help.
 */
export interface ProvisioningStep {
  readonly name: ProvisioningStepName;
  apply(request: PlanRequest, context: StepContext): Promise<StepOutcome>;
  compensate(request: PlanRequest, context: StepContext): Promise<StepOutcome>;
}
