import { HubError, hubError, isRetryableStatus } from '@hub/contracts';

export enum HttpRequestErrorCode {
  Failed = 'HTTP_REQUEST_FAILED',
  MissingSecret = 'HTTP_REQUEST_MISSING_SECRET',
}

/** The target answered a status outside `expectStatus`, or did not answer; 5xx, 408, 429 and no answer are retried. */
export class HttpRequestFailedError extends HubError<HttpRequestErrorCode.Failed> {
  readonly code = HttpRequestErrorCode.Failed;
  readonly retryable: boolean;

  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryAfterMs?: number,
    context: Record<string, unknown> = {},
  ) {
    super(message, { status, ...context });
    this.retryable = status === undefined || isRetryableStatus(status);
  }
}

/** A header names a secret that is not set (`HUB_SECRET_<NAME>`): permanent until configured. */
export class MissingSecretError extends hubError(HttpRequestErrorCode.MissingSecret, { retryable: false }) {}
