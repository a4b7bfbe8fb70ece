/**
 * Base of every typed error in the hub: a stable `code` (for HTTP mapping, metrics and logs),
 * whether retrying can help, and the context that explains the failure.
 */
export abstract class HubError<C extends string = string> extends Error {
  abstract readonly code: C;
  abstract readonly retryable: boolean;

  constructor(
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isHubError(error: unknown): error is HubError {
  return error instanceof HubError;
}
