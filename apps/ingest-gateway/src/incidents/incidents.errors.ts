import { hubError } from '@hub/contracts';
import { GatewayErrorCode } from '../errors/gateway.errors.js';

export enum IncidentsErrorCode {
  Unavailable = 'INCIDENTS_UNAVAILABLE',
}

/** No incident (and no notification) has this key: 404 with the key in the message. */
export class IncidentNotFoundError extends hubError(GatewayErrorCode.NotFound, { retryable: false }) {}

/**
 * The incident database cannot be read now (PostgreSQL down, or not migrated yet): 503 with
 * Retry-After. Ingest does not depend on it and keeps working.
 */
export class IncidentsUnavailableError extends hubError(IncidentsErrorCode.Unavailable, { retryable: true }) {}
