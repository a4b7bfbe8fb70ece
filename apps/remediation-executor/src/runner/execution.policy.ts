import { type RemediationExecutorConfig } from '../remediation-executor.config.js';
import { type RetryPolicy } from './retry.policy.js';

/** How the runner treats every action, whatever its kind. */
export interface ExecutionPolicy {
  readonly retry: RetryPolicy;
  /** HUB_ACTION_LOCK_WAIT_MS. */
  readonly lockWaitMs: number;
  /** HUB_DRY_RUN: every action is a dry run. */
  readonly dryRun: boolean;
}

/** Injection token of the ExecutionPolicy. */
export const EXECUTION_POLICY = Symbol('ExecutionPolicy');

/** The policy the configuration asks for (the backoff cap is never below the base). */
export function executionPolicyOf(config: RemediationExecutorConfig): ExecutionPolicy {
  return {
    retry: {
      maxAttempts: config.HUB_ACTION_MAX_ATTEMPTS,
      baseDelayMs: config.HUB_ACTION_BACKOFF_MS,
      maxDelayMs: Math.max(config.HUB_ACTION_BACKOFF_MS, config.HUB_ACTION_BACKOFF_MAX_MS),
    },
    lockWaitMs: config.HUB_ACTION_LOCK_WAIT_MS,
    dryRun: config.HUB_DRY_RUN,
  };
}
