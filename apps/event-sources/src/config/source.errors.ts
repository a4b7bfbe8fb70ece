import { type FileProblem, formatFileProblem } from '@hub/config';
import { HubError } from '@hub/contracts';

export enum SourceErrorCode {
  InvalidSources = 'EVENT_SOURCES_INVALID_SOURCES',
  Refused = 'EVENT_SOURCES_REFUSED',
}

/** The source files do not load: every problem of every file (file, line, path) at once. */
export class InvalidSourcesError extends HubError<SourceErrorCode.InvalidSources> {
  readonly code = SourceErrorCode.InvalidSources;
  readonly retryable = false;

  constructor(
    readonly directory: string,
    readonly problems: readonly FileProblem[],
  ) {
    super(
      `Invalid sources in ${directory} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${formatFileProblem(p)}`).join('\n'),
      { directory, problems },
    );
  }
}

/** A message a bridge cannot turn into a hub event (not a CloudEvent and no mapping, bad data, internal type). */
export class RefusedMessageError extends HubError<SourceErrorCode.Refused> {
  readonly code = SourceErrorCode.Refused;
  readonly retryable = false;
}
