import {
  hubError,
  type VendorErrorOptions,
  vendorRateLimitedError,
  vendorRejectedError,
  vendorUnavailableError,
} from '@hub/contracts';

export enum TicketingErrorCode {
  Unavailable = 'TICKETING_UNAVAILABLE',
  RateLimited = 'TICKETING_RATE_LIMITED',
  Rejected = 'TICKETING_REJECTED',
  ClaimPending = 'TICKETING_CLAIM_PENDING',
}

/**
 * The vendor did not answer, timed out or answered 5xx: try again later. `maybeApplied` is true
 * when the request may have taken effect anyway (a create that timed out may have created the ticket).
 */
export class TicketUnavailableError extends vendorUnavailableError(TicketingErrorCode.Unavailable) {
  constructor(
    vendor: string,
    message: string,
    readonly maybeApplied: boolean,
    options: VendorErrorOptions = {},
  ) {
    super(vendor, message, { ...options, context: { ...options.context, maybeApplied } });
  }
}

/** The vendor rate-limited us for longer than the handler waits: retry after `retryAfterMs`. */
export class TicketRateLimitedError extends vendorRateLimitedError(TicketingErrorCode.RateLimited) {}

/**
 * The vendor refused the request for good (bad credentials, unknown project, invalid field): park
 * it. `status` is the vendor's answer, when it gave one (404 on a known key: the ticket was deleted).
 */
export class TicketRejectedError extends vendorRejectedError(TicketingErrorCode.Rejected) {}

/** The ticket is gone at the vendor (deleted by a person): the map forgets it. */
export function isTicketGone(error: unknown): boolean {
  return error instanceof TicketRejectedError && error.status === 404;
}

/** An earlier create of the fingerprint may have reached the vendor but is not searchable yet: wait. */
export class TicketClaimPendingError extends hubError(TicketingErrorCode.ClaimPending, { retryable: true }) {
  constructor(
    readonly fingerprint: string,
    readonly retryAfterMs: number,
  ) {
    super(`an earlier create of ${fingerprint} may have reached the vendor; waiting for its search to show it`, {
      fingerprint,
      retryAfterMs,
    });
  }
}

export type TicketingError =
  TicketUnavailableError | TicketRateLimitedError | TicketRejectedError | TicketClaimPendingError;
