import { hubError } from '@hub/contracts';

/** Codes of the runner's own errors (the action did not finish here; it will be retried). */
export enum RunnerErrorCode {
  Interrupted = 'ACTION_INTERRUPTED',
  LockTimeout = 'ACTION_LOCK_TIMEOUT',
}

/**
 * The service is shutting down: the run stopped between two steps and its `action_runs` row stays
 * `running`, so the redelivery resumes it. Nothing is recorded as failed.
 */
export class ActionInterruptedError extends hubError(RunnerErrorCode.Interrupted, { retryable: true }) {}

/** Another action held the target (or the same action id) for longer than HUB_ACTION_LOCK_WAIT_MS. */
export class ActionLockTimeoutError extends hubError(RunnerErrorCode.LockTimeout, { retryable: true }) {}
