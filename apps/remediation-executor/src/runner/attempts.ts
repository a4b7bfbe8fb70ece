import { setTimeout as sleep } from 'node:timers/promises';
import { type ActionOutcome } from '../actions/action.js';
import { classifyFailure, retryDelayMs, type RetryPolicy } from './retry.policy.js';
import { ActionInterruptedError } from './runner.errors.js';

/** How the attempts ended: an outcome, or the last error with the reason recorded for it. */
export type AttemptsResult =
  | { readonly ok: true; readonly outcome: ActionOutcome; readonly attempts: number }
  | { readonly ok: false; readonly error: unknown; readonly reason: string; readonly attempts: number };

/** The policy and hooks of one `runAttempts` call. */
export interface AttemptsOptions {
  readonly policy: RetryPolicy;
  /** Attempts already made for this action id (a resumed run continues the count). */
  readonly done: number;
  readonly signal: AbortSignal;
  /** Called before each attempt (the runner records the count). */
  readonly beforeAttempt?: (attempt: number) => Promise<void>;
  /** Called when a retryable failure will be retried after `delayMs`. */
  readonly onRetry?: (attempt: number, delayMs: number, reason: string) => void;
}

/**
 * Runs `work` until it succeeds, fails for good, or `policy.maxAttempts` attempts were made,
 * waiting with exponential backoff (or the target's `Retry-After`) between retryable failures.
 * An abort of `signal` throws ActionInterruptedError instead of recording a failure.
 */
export async function runAttempts(
  work: (attempt: number) => Promise<ActionOutcome>,
  options: AttemptsOptions,
): Promise<AttemptsResult> {
  const { policy, signal } = options;
  let attempt = options.done;
  let lastReason = 'interrupted before it finished';
  // A run resumed after a crash gets at least one more attempt: the interrupted one never ended.
  const maxAttempts = Math.max(policy.maxAttempts, options.done + 1);
  while (attempt < maxAttempts) {
    attempt++;
    interruptIfAborted(signal);
    await options.beforeAttempt?.(attempt);
    try {
      return { ok: true, outcome: await work(attempt), attempts: attempt };
    } catch (error) {
      interruptIfAborted(signal);
      const verdict = classifyFailure(error);
      if (!verdict.retryable) return { ok: false, error, reason: verdict.reason, attempts: attempt };
      lastReason = verdict.reason;
      if (attempt >= maxAttempts) break;
      const delayMs = retryDelayMs(policy, attempt, verdict.retryAfterMs);
      options.onRetry?.(attempt, delayMs, verdict.reason);
      await sleep(delayMs, undefined, { signal }).catch(() => interruptIfAborted(signal));
    }
  }
  return {
    ok: false,
    error: undefined,
    reason: `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${lastReason}`,
    attempts: attempt,
  };
}

function interruptIfAborted(signal: AbortSignal): void {
  if (signal.aborted)
    throw new ActionInterruptedError('the executor is shutting down; the action resumes on redelivery');
}
