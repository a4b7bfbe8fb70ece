import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { isHubError } from '@hub/contracts';
import { MessagingErrorCode } from '@hub/messaging';
import { SUPPORTED_CONTENT_TYPES } from '../http/content-types.js';
import {
  EventTypeForbiddenError,
  GatewayErrorCode,
  type Problem,
  RateLimitedError,
  ValidationError,
} from './gateway.errors.js';

/** Seconds a client should wait before retrying when the broker cannot take events. */
export const RETRY_AFTER_SECONDS = 5;

const STATUS_OF_CODE = {
  [GatewayErrorCode.InvalidJson]: 400,
  [GatewayErrorCode.JsonTooDeep]: 400,
  [GatewayErrorCode.BadRequest]: 400,
  [GatewayErrorCode.Unauthenticated]: 401,
  [GatewayErrorCode.Forbidden]: 403,
  [GatewayErrorCode.NotFound]: 404,
  [GatewayErrorCode.MethodNotAllowed]: 405,
  [GatewayErrorCode.PayloadTooLarge]: 413,
  [GatewayErrorCode.BatchTooLarge]: 413,
  [GatewayErrorCode.UnsupportedMediaType]: 415,
  [GatewayErrorCode.ValidationFailed]: 422,
  [GatewayErrorCode.RateLimited]: 429,
  [GatewayErrorCode.NotReady]: 503,
  [GatewayErrorCode.Internal]: 500,
  [MessagingErrorCode.BrokerUnavailable]: 503,
  [MessagingErrorCode.BrokerBlocked]: 503,
  [MessagingErrorCode.PublishOverload]: 503,
  [MessagingErrorCode.PublishNacked]: 503,
  [MessagingErrorCode.PublishTimeout]: 503,
  [MessagingErrorCode.RetryLater]: 503,
  [MessagingErrorCode.DependencyUnavailable]: 503,
  [MessagingErrorCode.Unroutable]: 500,
  [MessagingErrorCode.DeadLetter]: 500,
} as const satisfies Record<GatewayErrorCode | MessagingErrorCode, number>;

const PUBLISH_ERRORS: ReadonlySet<string> = new Set(Object.values(MessagingErrorCode));

const CODE_OF_STATUS: Readonly<Record<number, GatewayErrorCode>> = {
  400: GatewayErrorCode.BadRequest,
  401: GatewayErrorCode.Unauthenticated,
  403: GatewayErrorCode.Forbidden,
  404: GatewayErrorCode.NotFound,
  405: GatewayErrorCode.MethodNotAllowed,
  413: GatewayErrorCode.PayloadTooLarge,
  415: GatewayErrorCode.UnsupportedMediaType,
  422: GatewayErrorCode.ValidationFailed,
};

/** What the client gets: `{ error: { code, message, details } }` with a status and maybe headers. */
export interface ErrorResponse {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: readonly Problem[];
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The one place where failures become HTTP answers: the gateway's and the publisher's typed errors
 * by their code (every 503 with Retry-After), Fastify's own errors (invalid JSON, unknown
 * content type, body too large, unknown route) in the same JSON shape. Bad input never gives a 500.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const response = this.toResponse(exception, request);
    const details = response.details && response.details.length > 0 ? { details: response.details } : {};
    void reply
      .status(response.status)
      .headers({ ...response.headers, 'content-type': 'application/json; charset=utf-8' })
      .send({ error: { code: response.code, message: response.message, ...details } });
  }

  toResponse(exception: unknown, request: FastifyRequest): ErrorResponse {
    if (isHubError(exception)) {
      const status = isKnownCode(exception.code) ? STATUS_OF_CODE[exception.code] : exception.retryable ? 503 : 500;
      if (status >= 500 && !exception.retryable) this.logger.error(exception);
      return {
        status,
        code: exception.code,
        message: PUBLISH_ERRORS.has(exception.code)
          ? `The event bus cannot take events now (${exception.message}); the request was not accepted` +
            (status === 503 ? `, retry in ${RETRY_AFTER_SECONDS} s` : '')
          : exception.message,
        details:
          exception instanceof ValidationError || exception instanceof EventTypeForbiddenError
            ? exception.problems
            : undefined,
        headers:
          exception instanceof RateLimitedError
            ? { 'retry-after': String(exception.retryAfterSeconds) }
            : headersFor(status),
      };
    }
    const fastifyResponse = fromFastifyError(exception, request);
    if (fastifyResponse) return fastifyResponse;
    const status = statusOf(exception);
    if (status !== undefined && status < 500) {
      const code = CODE_OF_STATUS[status] ?? GatewayErrorCode.BadRequest;
      return { status, code, message: messageOf(exception) };
    }
    this.logger.error(exception instanceof Error ? exception : String(exception));
    return { status: 500, code: GatewayErrorCode.Internal, message: 'internal error; the event was not accepted' };
  }
}

function fromFastifyError(exception: unknown, request: FastifyRequest): ErrorResponse | undefined {
  const error = exception instanceof HttpException && exception.cause !== undefined ? exception.cause : exception;
  switch ((error as { code?: unknown } | undefined)?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: GatewayErrorCode.UnsupportedMediaType,
        message: `Content type "${request.headers['content-type'] ?? ''}" is not supported; send one of ${SUPPORTED_CONTENT_TYPES.join(', ')}`,
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = request.routeOptions?.bodyLimit;
      return {
        status: 413,
        code: GatewayErrorCode.PayloadTooLarge,
        message: `The body is larger than the limit${limit ? ` of ${limit} bytes` : ''} (GATEWAY_BODY_LIMIT)`,
      };
    }
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: GatewayErrorCode.InvalidJson, message: 'The body is not valid JSON' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: GatewayErrorCode.InvalidJson, message: 'The body is empty but its type is JSON' };
    default:
      return undefined;
  }
}

function isKnownCode(code: string): code is keyof typeof STATUS_OF_CODE {
  return Object.hasOwn(STATUS_OF_CODE, code);
}

function headersFor(status: number): Record<string, string> | undefined {
  if (status === 401) return { 'www-authenticate': 'Bearer realm="hub"' };
  if (status === 503) return { 'retry-after': String(RETRY_AFTER_SECONDS) };
  return undefined;
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function messageOf(exception: unknown): string {
  return exception instanceof Error ? exception.message : 'bad request';
}
