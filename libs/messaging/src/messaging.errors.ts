import { HubError } from '@hub/contracts';

export enum MessagingErrorCode {
  BrokerUnavailable = 'BROKER_UNAVAILABLE',
  BrokerBlocked = 'BROKER_BLOCKED',
  PublishOverload = 'PUBLISH_OVERLOAD',
  PublishNacked = 'PUBLISH_NACKED',
  PublishTimeout = 'PUBLISH_TIMEOUT',
  Unroutable = 'UNROUTABLE',
  RetryLater = 'RETRY_LATER',
  DeadLetter = 'DEAD_LETTER',
}

/** No connection or channel to the broker right now; try again later. */
export class BrokerUnavailableError extends HubError<MessagingErrorCode.BrokerUnavailable> {
  readonly code = MessagingErrorCode.BrokerUnavailable;
  readonly retryable = true;
}

/** The broker blocked publishing (memory or disk alarm). */
export class BrokerBlockedError extends HubError<MessagingErrorCode.BrokerBlocked> {
  readonly code = MessagingErrorCode.BrokerBlocked;
  readonly retryable = true;
}

/** Too many publishes await a confirm; the caller should shed load rather than queue more. */
export class PublishOverloadError extends HubError<MessagingErrorCode.PublishOverload> {
  readonly code = MessagingErrorCode.PublishOverload;
  readonly retryable = true;
}

/** The broker refused responsibility for a message (basic.nack). */
export class PublishNackedError extends HubError<MessagingErrorCode.PublishNacked> {
  readonly code = MessagingErrorCode.PublishNacked;
  readonly retryable = true;
}

/** No confirm arrived in time; the message may or may not have been taken. */
export class PublishTimeoutError extends HubError<MessagingErrorCode.PublishTimeout> {
  readonly code = MessagingErrorCode.PublishTimeout;
  readonly retryable = true;
}

/** The message was returned: no queue, not even the alternate exchange's, took it. */
export class UnroutableError extends HubError<MessagingErrorCode.Unroutable> {
  readonly code = MessagingErrorCode.Unroutable;
  readonly retryable = false;
}

/**
 * Thrown by a handler to ask for another attempt later (a vendor answered 429 or 503, say).
 * `delayMs` picks the first retry tier at least that long.
 */
export class RetryLaterError extends HubError<MessagingErrorCode.RetryLater> {
  readonly code = MessagingErrorCode.RetryLater;
  readonly retryable = true;

  constructor(
    message: string,
    readonly delayMs?: number,
    context?: Record<string, unknown>,
  ) {
    super(message, context);
  }
}

/** Thrown by a handler when retrying cannot help: park the message in `<queue>.dlq` with this reason. */
export class DeadLetterError extends HubError<MessagingErrorCode.DeadLetter> {
  readonly code = MessagingErrorCode.DeadLetter;
  readonly retryable = false;
}
