import { HubError } from '@hub/contracts';

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
export class TicketUnavailableError extends HubError<TicketingErrorCode.Unavailable> {
  readonly code = TicketingErrorCode.Unavailable;
  readonly retryable = true;

  constructor(
    readonly vendor: string,
    message: string,
    readonly maybeApplied: boolean,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, { vendor, maybeApplied, retryAfterMs }, options);
  }
}

/** The vendor rate-limited us for longer than the handler waits: retry after `retryAfterMs`. */
export class TicketRateLimitedError extends HubError<TicketingErrorCode.RateLimited> {
  readonly code = TicketingErrorCode.RateLimited;
  readonly retryable = true;

  constructor(
    readonly vendor: string,
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message, { vendor, retryAfterMs });
  }
}

/** The vendor refused the request for good (bad credentials, unknown project, invalid field): park it. */
export class TicketRejectedError extends HubError<TicketingErrorCode.Rejected> {
  readonly code = TicketingErrorCode.Rejected;
  readonly retryable = false;
  /** The vendor's HTTP status, when it answered one (404 on a known key: the ticket was deleted). */
  readonly status?: number;

  constructor(
    readonly vendor: string,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, { vendor, status: options?.status }, options);
    this.status = options?.status;
  }
}

/** The ticket is gone at the vendor (deleted by a person): the map forgets it. */
export function isTicketGone(error: unknown): boolean {
  return error instanceof TicketRejectedError && error.status === 404;
}

/** An earlier create of the fingerprint may have reached the vendor but is not searchable yet: wait. */
export class TicketClaimPendingError extends HubError<TicketingErrorCode.ClaimPending> {
  readonly code = TicketingErrorCode.ClaimPending;
  readonly retryable = true;

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
