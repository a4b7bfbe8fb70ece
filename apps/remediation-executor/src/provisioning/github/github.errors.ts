import { isRetryableStatus, parseRetryAfter, vendorRequestError } from '@hub/contracts';

export enum GitHubErrorCode {
  RequestFailed = 'GITHUB_REQUEST_FAILED',
}

/**
 * The GitHub API refused or failed a call. 5xx, 408 and 429 are worth another attempt, and so is
 * a 403 that is a rate limit (`x-ratelimit-remaining: 0` or `retry-after`); other 4xx are not.
 */
export class GitHubRequestError extends vendorRequestError(GitHubErrorCode.RequestFailed) {}

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
    isRetryableStatus(status) || rateLimited,
  );
}
