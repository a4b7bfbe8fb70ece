import { HubError } from '@hub/contracts';

export enum ChannelErrorCode {
  Unavailable = 'CHANNEL_UNAVAILABLE',
  RateLimited = 'CHANNEL_RATE_LIMITED',
  Held = 'CHANNEL_HELD',
  Rejected = 'CHANNEL_REJECTED',
}

/** The vendor cannot take the message now (network, timeout, 5xx): try again later. */
export class ChannelUnavailableError extends HubError<ChannelErrorCode.Unavailable> {
  readonly code = ChannelErrorCode.Unavailable;
  readonly retryable = true;

  constructor(
    readonly channel: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { channel }, options);
  }
}

/** The vendor rate-limited us for longer than the handler waits: retry after `retryAfterMs`. */
export class ChannelRateLimitedError extends HubError<ChannelErrorCode.RateLimited> {
  readonly code = ChannelErrorCode.RateLimited;
  readonly retryable = true;

  constructor(
    readonly channel: string,
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message, { channel, retryAfterMs });
  }
}

/** The message waits for an earlier one (a thread reply for its predecessor's): try again after `retryAfterMs`. */
export class ChannelHeldError extends HubError<ChannelErrorCode.Held> {
  readonly code = ChannelErrorCode.Held;
  readonly retryable = true;

  constructor(
    readonly channel: string,
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message, { channel, retryAfterMs });
  }
}

/** The vendor refused the message for good (bad token, unknown channel, invalid payload). */
export class ChannelRejectedError extends HubError<ChannelErrorCode.Rejected> {
  readonly code = ChannelErrorCode.Rejected;
  readonly retryable = false;

  constructor(
    readonly channel: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { channel }, options);
  }
}

export type ChannelError = ChannelUnavailableError | ChannelRateLimitedError | ChannelHeldError | ChannelRejectedError;

/** Any failure of a channel as a channel error; unexpected ones (a database hiccup) count as retryable. */
export function asChannelError(channel: string, error: unknown): ChannelError {
  if (
    error instanceof ChannelUnavailableError ||
    error instanceof ChannelRateLimitedError ||
    error instanceof ChannelHeldError ||
    error instanceof ChannelRejectedError
  ) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ChannelUnavailableError(channel, `${channel} delivery failed: ${message}`, { cause: error });
}
