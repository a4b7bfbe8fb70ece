import { isRetryableStatus, vendorRequestError, vendorUnreachableError } from '@hub/contracts';

/** Codes of the Statuspage failures, wrapped at the client boundary. */
export enum StatuspageErrorCode {
  Unreachable = 'STATUSPAGE_UNREACHABLE',
  RequestFailed = 'STATUSPAGE_REQUEST_FAILED',
}

/** The Statuspage API did not answer: network error or request timeout. */
export class StatuspageUnreachableError extends vendorUnreachableError(StatuspageErrorCode.Unreachable) {}

/**
 * Statuspage answered with an error status. 5xx, 408, 429 and 420 (Statuspage's historical
 * "enhance your calm" rate limit) are worth another attempt; other 4xx are final.
 */
export class StatuspageRequestError extends vendorRequestError(
  StatuspageErrorCode.RequestFailed,
  (status) => status === 420 || isRetryableStatus(status),
) {}
