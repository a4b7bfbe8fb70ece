import { hubError } from '@hub/contracts';
import { type z } from 'zod';

/** Every error the gateway answers with; the exception filter maps each code to one HTTP status. */
export enum GatewayErrorCode {
  InvalidJson = 'INVALID_JSON',
  JsonTooDeep = 'JSON_TOO_DEEP',
  BadRequest = 'BAD_REQUEST',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  BatchTooLarge = 'BATCH_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  ValidationFailed = 'VALIDATION_FAILED',
  RateLimited = 'RATE_LIMITED',
  NotReady = 'NOT_READY',
  Internal = 'INTERNAL',
}

/** One field of a request that is wrong: where it is (`alerts.0.status`) and what was expected. */
export interface Problem {
  readonly path: string;
  readonly problem: string;
}

/** The request is not authenticated: no `Authorization: Bearer <token>` header. */
export class MissingCredentialsError extends hubError(GatewayErrorCode.Unauthenticated, { retryable: false }) {}

/** The bearer token is not one of `HUB_INGEST_TOKENS`. */
export class UnknownTokenError extends hubError(GatewayErrorCode.Forbidden, { retryable: false }) {}

/**
 * The caller may not send events of this type: an internal command or result of the bus, or a
 * type outside its token's list (`HUB_INGEST_TOKEN_TYPES`); `problems` names each refused event.
 */
export class EventTypeForbiddenError extends hubError(GatewayErrorCode.Forbidden, { retryable: false }) {
  constructor(
    message: string,
    readonly problems: readonly Problem[],
  ) {
    super(message, { problems });
  }
}

/** The JSON body nests objects and arrays deeper than `GATEWAY_MAX_JSON_DEPTH`. */
export class JsonTooDeepError extends hubError(GatewayErrorCode.JsonTooDeep, { retryable: false }) {}

/** The request carries text the hub cannot store (a NUL character: PostgreSQL text and JSONB refuse it). */
export class UnstorableTextError extends hubError(GatewayErrorCode.BadRequest, { retryable: false }) {}

/** The content type names no format this endpoint reads. */
export class UnsupportedMediaTypeError extends hubError(GatewayErrorCode.UnsupportedMediaType, { retryable: false }) {}

/** A request holds more events than one request may carry (a CloudEvents batch, an Alertmanager group). */
export class BatchTooLargeError extends hubError(GatewayErrorCode.BatchTooLarge, { retryable: false }) {}

/** The body parsed but does not match the expected schema; `problems` lists every bad field. */
export class ValidationError extends hubError(GatewayErrorCode.ValidationFailed, { retryable: false }) {
  constructor(
    message: string,
    readonly problems: readonly Problem[],
  ) {
    super(message, { problems });
  }
}

/** The token (or, without one, the address) sent more than `GATEWAY_RATE_LIMIT` requests in the window. */
export class RateLimitedError extends hubError(GatewayErrorCode.RateLimited, { retryable: true }) {
  constructor(
    message: string,
    /** Whole seconds until the window lets this caller in again (`Retry-After`). */
    readonly retryAfterSeconds: number,
  ) {
    super(message, { retryAfterSeconds });
  }
}

/** The gateway cannot take events now (`GET /readyz`). */
export class NotReadyError extends hubError(GatewayErrorCode.NotReady, { retryable: true }) {}

/** Turns zod issues into problems, each path prefixed (`3.data.appName` for the fourth event of a batch). */
export function problemsOf(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): Problem[] {
  return issues.map((issue) => ({
    path: pathOf([...prefix, ...issue.path]),
    problem: issue.message,
  }));
}

/** `['alerts', 0, 'status']` → `alerts.0.status`; the body itself is `(body)`. */
export function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(body)' : path.map(String).join('.');
}

/** Parses `value` with `schema`, or throws a {@link ValidationError} that lists every problem. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = problemsOf(result.error.issues);
  throw new ValidationError(
    `${what} is invalid: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    problems,
  );
}
