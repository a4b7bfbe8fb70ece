import { HubError } from '@hub/contracts';
import { GatewayErrorCode } from '../errors/gateway.errors.js';

export enum RequestsErrorCode {
  Unavailable = 'REQUESTS_UNAVAILABLE',
}

/** No provisioning request has this id: 404. */
export class RequestNotFoundError extends HubError<GatewayErrorCode.NotFound> {
  readonly code = GatewayErrorCode.NotFound;
  readonly retryable = false;
}

/**
 * The request database cannot be used now (PostgreSQL down, or not migrated yet): 503 with
 * Retry-After. Nothing was accepted; other ingest keeps working.
 */
export class RequestsUnavailableError extends HubError<RequestsErrorCode.Unavailable> {
  readonly code = RequestsErrorCode.Unavailable;
  readonly retryable = true;
}
