import { hubError } from '@hub/contracts';
import { GatewayErrorCode } from '../errors/gateway.errors.js';

export enum RequestsErrorCode {
  Unavailable = 'REQUESTS_UNAVAILABLE',
}

/** No provisioning request has this id: 404. */
export class RequestNotFoundError extends hubError(GatewayErrorCode.NotFound, { retryable: false }) {}

/**
 * The request database cannot be used now (PostgreSQL down, or not migrated yet): 503 with
 * Retry-After. Nothing was accepted; other ingest keeps working.
 */
export class RequestsUnavailableError extends hubError(RequestsErrorCode.Unavailable, { retryable: true }) {}
