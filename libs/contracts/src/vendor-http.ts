import { HubError, hubError } from './hub.error.js';

/**
 * Whether another attempt can help after an HTTP status from a vendor: request timeouts, rate
 * limits and server-side failures pass; other client errors repeat the same way, except 501/505
 * (the server will never do it).
 */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status !== 501 && status !== 505;
}

/** Longest `Retry-After` honoured, so a confused server cannot park work for hours. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * A `Retry-After` header (delay in seconds, or an HTTP date) in milliseconds from `now`, at most
 * {@link MAX_RETRY_AFTER_MS}; undefined when absent or unreadable. The one parser of the hub.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1_000 : Date.parse(trimmed) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(0, Math.round(ms)), MAX_RETRY_AFTER_MS);
}

/**
 * The error class of "the vendor did not answer" (network error, request timeout) for one
 * vendor's code: always worth another attempt. `class XUnreachableError extends vendorUnreachableError(XErrorCode.Unreachable) {}`.
 */
export function vendorUnreachableError<C extends string>(code: C) {
  return class extends hubError(code, { retryable: true }) {
    /** The vendor is in trouble, not the request: counts toward its circuit ({@link vendorVerdict}). */
    readonly outage = true;
  };
}

/**
 * The error class of "the vendor answered an error status" for one vendor's code: the status,
 * the `Retry-After` it sent (parsed once, by {@link parseRetryAfter}), and whether another attempt
 * can help — {@link isRetryableStatus} unless the vendor says more (`retryableStatus`), or the
 * caller knows more (a 403 that is a rate limit).
 */
export function vendorRequestError<C extends string>(
  code: C,
  retryableStatus: (status: number) => boolean = isRetryableStatus,
) {
  return class extends HubError<C> {
    readonly code = code;
    readonly retryable: boolean;

    constructor(
      message: string,
      readonly status: number,
      /** From `Retry-After`, when the vendor (or its proxy) sent one. */
      readonly retryAfterMs?: number,
      context: Record<string, unknown> = {},
      retryable = retryableStatus(status),
    ) {
      super(message, { status, ...context });
      this.retryable = retryable;
    }
  };
}

/** The optional facts of a service-level vendor error (see {@link vendorUnavailableError}). */
export interface VendorErrorOptions {
  readonly cause?: unknown;
  /** The vendor's HTTP status, when it answered one. */
  readonly status?: number;
  /** From `Retry-After`, when the vendor sent one. */
  readonly retryAfterMs?: number;
  /** More context for logs, beside `vendor`, `status` and `retryAfterMs`. */
  readonly context?: Record<string, unknown>;
}

/**
 * The three outcomes a service's vendor boundary (a channel, a ticket provider, a sink) reports to
 * its retry tiers, each a class factory for the service's own code — `class XUnavailableError
 * extends vendorUnavailableError(XErrorCode.Unavailable) {}`:
 * - {@link vendorUnavailableError}: the vendor did not take it now (no answer, timeout, 5xx); retry later;
 * - {@link vendorRateLimitedError}: the vendor asked to come back after `retryAfterMs`;
 * - {@link vendorRejectedError}: the vendor refused it for good (bad token, invalid payload).
 * The per-request classes above ({@link vendorRequestError}) are what a client throws; these are
 * what a service decides from them. `vendor` names the vendor (or the channel, or the sink).
 */
export function vendorUnavailableError<C extends string>(code: C) {
  return class extends hubError(code, { retryable: true }) {
    /** The vendor is in trouble, not the request: counts toward its circuit ({@link vendorVerdict}). */
    readonly outage = true;
    readonly status?: number;
    readonly retryAfterMs?: number;

    constructor(
      readonly vendor: string,
      message: string,
      options: VendorErrorOptions = {},
    ) {
      super(message, vendorContext(vendor, options), { cause: options.cause });
      this.status = options.status;
      this.retryAfterMs = options.retryAfterMs;
    }
  };
}

/** See {@link vendorUnavailableError}: the vendor (or the hub's own ordering) asks to retry after `retryAfterMs`. */
export function vendorRateLimitedError<C extends string>(code: C) {
  return class extends hubError(code, { retryable: true }) {
    constructor(
      readonly vendor: string,
      message: string,
      readonly retryAfterMs: number,
      options: Omit<VendorErrorOptions, 'retryAfterMs'> = {},
    ) {
      super(message, vendorContext(vendor, { ...options, retryAfterMs }), { cause: options.cause });
    }
  };
}

/** See {@link vendorUnavailableError}: refused for good; `status` when the vendor answered one. */
export function vendorRejectedError<C extends string>(code: C) {
  return class extends hubError(code, { retryable: false }) {
    readonly status?: number;

    constructor(
      readonly vendor: string,
      message: string,
      options: Omit<VendorErrorOptions, 'retryAfterMs'> = {},
    ) {
      super(message, vendorContext(vendor, options), { cause: options.cause });
      this.status = options.status;
    }
  };
}

function vendorContext(vendor: string, options: VendorErrorOptions): Record<string, unknown> {
  return {
    vendor,
    ...(options.status === undefined ? {} : { status: options.status }),
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
    ...options.context,
  };
}
