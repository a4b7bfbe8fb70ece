import { hubError } from '@hub/contracts';

export enum EventLogErrorCode {
  Unavailable = 'EVENT_LOG_UNAVAILABLE',
}

/**
 * The event log cannot be read now (PostgreSQL down or slow, or not migrated yet): 503 with
 * Retry-After. Ingest does not depend on it and keeps working.
 */
export class EventLogUnavailableError extends hubError(EventLogErrorCode.Unavailable, { retryable: true }) {}
