import { isHubError } from '@hub/contracts';
import { DeadLetterError, RetryLaterError, unavailableDependency } from './messaging.errors.js';

/** What to do with a delivery once its handlers ran. */
export type AckDecision =
  | { readonly action: 'ack' }
  | { readonly action: 'retry'; readonly delayMs: number; readonly reason: string }
  | { readonly action: 'dead-letter'; readonly reason: string }
  /** A dependency is away: back through the first tier with the same attempt, and pause consuming. */
  | { readonly action: 'hold'; readonly delayMs: number; readonly reason: string; readonly dependency: string };

/**
 * The whole ack policy: success → ack; DeadLetterError or a non-retryable HubError → park now;
 * anything else (retryable errors and unexpected exceptions) → next retry tier, parked once
 * every tier has been used — except when a dependency every delivery needs is away, which holds
 * the message without using an attempt (an outage is not the message's fault). `attempt` is 1-based.
 */
export function decideAck(error: unknown, attempt: number, retryDelaysMs: readonly number[]): AckDecision {
  if (error === undefined) return { action: 'ack' };
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : describeValue(error);
  if (error instanceof DeadLetterError || (isHubError(error) && !error.retryable)) {
    return { action: 'dead-letter', reason };
  }
  const dependency = unavailableDependency(error);
  if (dependency !== undefined && retryDelaysMs.length > 0) {
    return { action: 'hold', delayMs: retryDelaysMs[0]!, reason, dependency };
  }
  if (attempt > retryDelaysMs.length) {
    return { action: 'dead-letter', reason: `retries exhausted after ${attempt} attempts; last error ${reason}` };
  }
  const wanted = error instanceof RetryLaterError ? error.delayMs : undefined;
  const delayMs =
    wanted === undefined
      ? (retryDelaysMs[attempt - 1] as number)
      : (retryDelaysMs.find((tier) => tier >= wanted) ?? retryDelaysMs[retryDelaysMs.length - 1]!);
  return { action: 'retry', delayMs, reason };
}

/** A thrown non-Error, as text; never throws itself (circular values, BigInts). */
function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
