import { hubError, isHubError } from '@hub/contracts';

export enum MessagingErrorCode {
  BrokerUnavailable = 'BROKER_UNAVAILABLE',
  BrokerBlocked = 'BROKER_BLOCKED',
  PublishOverload = 'PUBLISH_OVERLOAD',
  PublishNacked = 'PUBLISH_NACKED',
  PublishTimeout = 'PUBLISH_TIMEOUT',
  Unroutable = 'UNROUTABLE',
  RetryLater = 'RETRY_LATER',
  DeadLetter = 'DEAD_LETTER',
  DependencyUnavailable = 'DEPENDENCY_UNAVAILABLE',
}

/** No connection or channel to the broker right now; try again later. */
export class BrokerUnavailableError extends hubError(MessagingErrorCode.BrokerUnavailable, { retryable: true }) {}

/** The broker blocked publishing (memory or disk alarm). */
export class BrokerBlockedError extends hubError(MessagingErrorCode.BrokerBlocked, { retryable: true }) {}

/** Too many publishes await a confirm; the caller should shed load rather than queue more. */
export class PublishOverloadError extends hubError(MessagingErrorCode.PublishOverload, { retryable: true }) {}

/** The broker refused responsibility for a message (basic.nack). */
export class PublishNackedError extends hubError(MessagingErrorCode.PublishNacked, { retryable: true }) {}

/** No confirm arrived in time; the message may or may not have been taken. */
export class PublishTimeoutError extends hubError(MessagingErrorCode.PublishTimeout, { retryable: true }) {}

/** The message was returned: no queue, not even the alternate exchange's, took it. */
export class UnroutableError extends hubError(MessagingErrorCode.Unroutable, { retryable: false }) {}

/**
 * Thrown by a handler to ask for another attempt later (a vendor answered 429 or 503, say).
 * `delayMs` picks the first retry tier at least that long.
 */
export class RetryLaterError extends hubError(MessagingErrorCode.RetryLater, { retryable: true }) {
  constructor(
    message: string,
    readonly delayMs?: number,
    context?: Record<string, unknown>,
  ) {
    super(message, context);
  }
}

/** Thrown by a handler when retrying cannot help: park the message in `<queue>.dlq` with this reason. */
export class DeadLetterError extends hubError(MessagingErrorCode.DeadLetter, { retryable: false }) {}

/**
 * Thrown by a handler when something every delivery needs is away (the database, a vendor that
 * answers 503 to everything): the message keeps its attempt count and the consumer pauses, so an
 * outage longer than the retry tiers parks nothing. See {@link unavailableDependency}.
 */
export class DependencyUnavailableError extends hubError(MessagingErrorCode.DependencyUnavailable, {
  retryable: true,
}) {
  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { dependency }, options);
  }
}

/** pg / Node codes of a database that cannot be reached or is going away (not of a bad query). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01', // admin_shutdown (pg_terminate_backend, a restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovery)
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006', // connection exceptions
]);

const UNREACHABLE_MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i;

/**
 * The dependency `error` says is unavailable: a {@link DependencyUnavailableError} (anywhere in its
 * `cause` chain), or a PostgreSQL connection failure as pg throws it (the error itself, not a
 * wrapped vendor error: a vendor's client turns its own connection failures into typed errors).
 * Undefined for any other error.
 */
export function unavailableDependency(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DependencyUnavailableError) return e.dependency;
  }
  if (!(error instanceof Error) || isHubError(error) || error.name === 'TypeError') return undefined;
  const code = (error as { code?: unknown }).code;
  if ((typeof code === 'string' && UNREACHABLE_CODES.has(code)) || UNREACHABLE_MESSAGES.test(error.message)) {
    return 'postgresql';
  }
  return undefined;
}
