import { Logger } from '@nestjs/common';
import { TicketRateLimitedError, TicketRejectedError, TicketUnavailableError } from './provider.errors.js';

/** A failed vendor call, as the backoff loop needs it. */
export interface VendorFailure {
  /** HTTP status; undefined for network errors and timeouts. */
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** The vendor's own words (JIRA `errorMessages`/`errors`, ServiceNow `error.message`). */
  readonly message: string;
  readonly cause?: unknown;
}

export interface VendorCallOptions {
  /** Inline retries of network errors and 5xx, for calls that are safe to repeat. */
  readonly retries: number;
  /** A 429/503 Retry-After up to this is waited out inline (a few times); longer ones go to the retry tiers. */
  readonly maxRateLimitWaitMs: number;
}

const MAX_INLINE_WAITS = 3;
const logger = new Logger('VendorCall');

/**
 * Runs one vendor request with the hub's rate-limit and failure policy:
 * - 429 (and 503 with Retry-After): the vendor refused it, so it is always safe to repeat — short
 *   waits inline, a long one becomes {@link TicketRateLimitedError} for the retry tiers;
 * - network errors, timeouts, 5xx: retried inline only when `safe` (a read); a create or comment
 *   may have been applied, so it becomes {@link TicketUnavailableError} with `maybeApplied`;
 * - any other 4xx: {@link TicketRejectedError} with the vendor's message (the request will not
 *   get better by repeating it).
 */
export async function callVendor<T>(
  vendor: string,
  operation: string,
  safe: boolean,
  options: VendorCallOptions,
  send: () => Promise<T>,
  classify: (error: unknown) => VendorFailure,
): Promise<T> {
  let waits = 0;
  let retries = 0;
  for (;;) {
    try {
      return await send();
    } catch (error) {
      const failure = classify(error);
      const status = failure.status;
      const what = `${vendor} ${operation}`;
      if (status === 429 || (status === 503 && failure.retryAfterMs !== undefined)) {
        const waitMs = failure.retryAfterMs ?? 1_000;
        if (waitMs > options.maxRateLimitWaitMs || waits >= MAX_INLINE_WAITS) {
          throw new TicketRateLimitedError(vendor, `${what} rate-limited (HTTP ${status}) for ${waitMs} ms`, waitMs);
        }
        waits++;
        logger.warn({ msg: 'vendor rate limit: waiting before retrying', vendor, operation, retryAfterMs: waitMs });
        await sleep(waitMs);
        continue;
      }
      if (status === undefined || status >= 500 || status === 408) {
        const message = `${what} failed${status ? ` (HTTP ${status})` : ''}: ${failure.message}`;
        if (!safe || retries >= options.retries) {
          throw new TicketUnavailableError(vendor, message, !safe, failure.retryAfterMs, { cause: failure.cause });
        }
        retries++;
        await sleep(Math.min(250 * 2 ** retries, 2_000));
        continue;
      }
      throw new TicketRejectedError(vendor, `${what} refused (HTTP ${status}): ${failure.message}`, {
        cause: failure.cause,
        status,
      });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
