import { Logger } from '@nestjs/common';
import { VendorCircuitOpenError, type VendorFailureVerdict, VendorRetryPolicy } from '@hub/contracts';
import { TicketRateLimitedError, TicketRejectedError, TicketUnavailableError } from './provider.errors.js';

/** A failed vendor call, as the retry policy needs it. */
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

/** A 429 without Retry-After waits this long. */
const DEFAULT_RATE_LIMIT_MS = 1_000;

/**
 * One vendor's calls under the hub's vendor retry policy ({@link VendorRetryPolicy}: one circuit
 * per vendor and process), its failures as ticketing errors:
 * - 429 (and 503 with Retry-After): the vendor refused it, so it is always safe to repeat — short
 *   waits inline, a long one becomes {@link TicketRateLimitedError} for the retry tiers;
 * - network errors, timeouts, 5xx: retried inline only when `safe` (a read); a create or comment
 *   may have been applied, so it becomes {@link TicketUnavailableError} with `maybeApplied`; so does
 *   an open circuit (not sent: `maybeApplied` false);
 * - any other 4xx: {@link TicketRejectedError} with the vendor's message (the request will not
 *   get better by repeating it).
 */
export class VendorCaller {
  private readonly policy: VendorRetryPolicy;
  private readonly logger = new Logger('VendorCall');

  constructor(
    readonly vendor: string,
    private readonly options: VendorCallOptions,
    private readonly classify: (error: unknown) => VendorFailure,
  ) {
    this.policy = new VendorRetryPolicy({
      vendor,
      retries: options.retries,
      initialDelayMs: 500,
      maxDelayMs: 2_000,
      maxRateLimitWaitMs: options.maxRateLimitWaitMs,
      defaultRateLimitMs: DEFAULT_RATE_LIMIT_MS,
      classify: (error) => verdictOf(classify(error)),
      onRetry: ({ kind, delayMs }) => {
        if (kind === 'rate-limited') {
          this.logger.warn({ msg: 'vendor rate limit: waiting before retrying', vendor, retryAfterMs: delayMs });
        }
      },
    });
  }

  /** Runs one request (`send`) of `operation`; `safe` when repeating it cannot apply it twice (a read). */
  async call<T>(operation: string, safe: boolean, send: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(send, { retries: safe ? this.options.retries : 0 });
    } catch (error) {
      throw this.ticketError(`${this.vendor} ${operation}`, safe, error);
    }
  }

  private ticketError(what: string, safe: boolean, error: unknown): Error {
    const { vendor } = this;
    if (error instanceof VendorCircuitOpenError) {
      return new TicketUnavailableError(vendor, `${what} not sent: ${error.message}`, false, {
        retryAfterMs: error.retryAfterMs,
        cause: error,
      });
    }
    const failure = this.classify(error);
    const { status } = failure;
    const verdict = verdictOf(failure);
    if (verdict.kind === 'rate-limited') {
      const waitMs = verdict.retryAfterMs ?? DEFAULT_RATE_LIMIT_MS;
      return new TicketRateLimitedError(vendor, `${what} rate-limited (HTTP ${status}) for ${waitMs} ms`, waitMs);
    }
    if (verdict.kind === 'unavailable') {
      const message = `${what} failed${status ? ` (HTTP ${status})` : ''}: ${failure.message}`;
      return new TicketUnavailableError(vendor, message, !safe, {
        retryAfterMs: failure.retryAfterMs,
        cause: failure.cause,
      });
    }
    return new TicketRejectedError(vendor, `${what} refused (HTTP ${status}): ${failure.message}`, {
      cause: failure.cause,
      status,
    });
  }
}

function verdictOf(failure: VendorFailure): VendorFailureVerdict {
  const { status, retryAfterMs } = failure;
  if (status === 429 || (status === 503 && retryAfterMs !== undefined)) return { kind: 'rate-limited', retryAfterMs };
  if (status === undefined || status >= 500 || status === 408) return { kind: 'unavailable' };
  return { kind: 'final' };
}
