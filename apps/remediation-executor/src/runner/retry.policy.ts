import { isHubError } from '@hub/contracts';

/** HUB_ACTION_MAX_ATTEMPTS, HUB_ACTION_BACKOFF_MS, HUB_ACTION_BACKOFF_MAX_MS. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** What a failed attempt means for the next one. */
export interface FailureVerdict {
  readonly retryable: boolean;
  /** The target system asked to wait this long (429/503 `Retry-After`). */
  readonly retryAfterMs?: number;
  readonly reason: string;
}

/**
 * Typed errors say themselves whether retrying helps (vendor errors are wrapped at the client
 * boundary: network errors, timeouts, 5xx and 429 are retryable; other 4xx and validation are
 * not). Anything untyped is a bug here, which another attempt would only repeat.
 */
export function classifyFailure(error: unknown): FailureVerdict {
  const reason = error instanceof Error ? error.message : String(error);
  if (!isHubError(error)) return { retryable: false, reason };
  const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return {
    retryable: error.retryable,
    reason,
    ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
  };
}

/**
 * Delay before the attempt after `failedAttempt` (1-based): exponential from the base, capped;
 * a `Retry-After` from the target system wins when it asks for longer.
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempt - 1));
  return retryAfterMs === undefined ? exponential : Math.max(exponential, retryAfterMs);
}
