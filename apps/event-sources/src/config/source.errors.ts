import { configFilesError } from '@hub/config';
import { hubError } from '@hub/contracts';

export enum SourceErrorCode {
  InvalidSources = 'EVENT_SOURCES_INVALID_SOURCES',
  Refused = 'EVENT_SOURCES_REFUSED',
}

/** The source files do not load: every problem of every file (file, line, path) at once. */
export class InvalidSourcesError extends configFilesError(SourceErrorCode.InvalidSources, 'sources') {}

/** A message a bridge cannot turn into a hub event (not a CloudEvent and no mapping, bad data, internal type). */
export class RefusedMessageError extends hubError(SourceErrorCode.Refused, { retryable: false }) {}
