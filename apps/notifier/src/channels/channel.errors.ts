import { vendorRateLimitedError, vendorRejectedError, vendorUnavailableError } from '@hub/contracts';

export enum ChannelErrorCode {
  Unavailable = 'CHANNEL_UNAVAILABLE',
  RateLimited = 'CHANNEL_RATE_LIMITED',
  Held = 'CHANNEL_HELD',
  Rejected = 'CHANNEL_REJECTED',
}

/** The vendor cannot take the message now (network, timeout, 5xx): try again later. `vendor` is the channel. */
export class ChannelUnavailableError extends vendorUnavailableError(ChannelErrorCode.Unavailable) {}

/** The vendor rate-limited us for longer than the handler waits: retry after `retryAfterMs`. */
export class ChannelRateLimitedError extends vendorRateLimitedError(ChannelErrorCode.RateLimited) {}

/** The message waits for an earlier one (a thread reply for its predecessor's): try again after `retryAfterMs`. */
export class ChannelHeldError extends vendorRateLimitedError(ChannelErrorCode.Held) {}

/** The vendor refused the message for good (bad token, unknown channel, invalid payload). */
export class ChannelRejectedError extends vendorRejectedError(ChannelErrorCode.Rejected) {}

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
