import { HubError } from '@hub/contracts';
import { isRetryableStatus, parseRetryAfter } from '../../actions/http-status.js';

export enum GitHubErrorCode {
  RequestFailed = 'GITHUB_REQUEST_FAILED',
}

/**
 * The GitHub API refused or failed a call. 5xx, 408 and 429 are worth another attempt, and so is
 * a 403 that is a rate limit (`x-ratelimit-remaining: 0` or `retry-after`); other 4xx are not.
 */
export class GitHubRequestError extends HubError<GitHubErrorCode.RequestFailed> {
  readonly code = GitHubErrorCode.RequestFailed;
  readonly retryable: boolean;

  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number,
    context: Record<string, unknown> = {},
    rateLimited = false,
  ) {
    super(message, { status, ...context });
    this.retryable = isRetryableStatus(status) || rateLimited;
  }
}

/** An Octokit `RequestError` (or a network failure) as a {@link GitHubRequestError}. */
export function toGitHubError(error: unknown, operation: string): GitHubRequestError {
  const failure = error as {
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string | undefined>; data?: { message?: string } };
  };
  const status = typeof failure.status === 'number' ? failure.status : 503;
  const headers = failure.response?.headers ?? {};
  const message = failure.response?.data?.message ?? failure.message ?? String(error);
  const rateLimited =
    status === 403 && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined);
  return new GitHubRequestError(
    `GitHub ${operation} answered ${status}: ${message}`,
    status,
    parseRetryAfter(headers['retry-after']),
    { operation },
    rateLimited,
  );
}
