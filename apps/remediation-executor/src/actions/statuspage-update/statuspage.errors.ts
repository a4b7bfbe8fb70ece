import { HubError } from '@hub/contracts';
import { isRetryableStatus } from '../http-status.js';

/** Codes of the Statuspage failures, wrapped at the client boundary. */
export enum StatuspageErrorCode {
  Unreachable = 'STATUSPAGE_UNREACHABLE',
  RequestFailed = 'STATUSPAGE_REQUEST_FAILED',
}

/** The Statuspage API did not answer: network error or request timeout. */
export class StatuspageUnreachableError extends HubError<StatuspageErrorCode.Unreachable> {
  readonly code = StatuspageErrorCode.Unreachable;
  readonly retryable = true;
}

/**
 * Statuspage answered with an error status. 5xx, 408, 429 and 420 (Statuspage's historical
 * "enhance your calm" rate limit) are worth another attempt; other 4xx are final.
 */
export class StatuspageRequestError extends HubError<StatuspageErrorCode.RequestFailed> {
  readonly code = StatuspageErrorCode.RequestFailed;
  readonly retryable: boolean;

  constructor(
    message: string,
    readonly status: number,
    /** From `Retry-After`, when Statuspage sent one. */
    readonly retryAfterMs?: number,
    context: Record<string, unknown> = {},
  ) {
    super(message, { status, ...context });
    this.retryable = status === 420 || isRetryableStatus(status);
  }
}
