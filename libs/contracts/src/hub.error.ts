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

/**
 * The error class of one code whose `retryable` never varies, e.g.
 * `class ArgoCdSyncFailedError extends hubError(ArgoCdErrorCode.SyncFailed, { retryable: false }) {}`:
 * constructed like {@link HubError} (message, context, cause); `code` keeps the literal type of the
 * enum member, so `switch (error.code)` narrows. A class with its own fields or constructor extends it too.
 */
export function hubError<C extends string, R extends boolean>(code: C, options: { readonly retryable: R }) {
  return class extends HubError<C> {
    readonly code = code;
    readonly retryable = options.retryable;
  };
}

export function isHubError(error: unknown): error is HubError {
  return error instanceof HubError;
}
