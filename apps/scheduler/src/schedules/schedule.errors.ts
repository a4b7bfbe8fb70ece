import { type FileProblem, formatFileProblem } from '@hub/config';
import { HubError } from '@hub/contracts';

export enum ScheduleErrorCode {
  InvalidSchedules = 'SCHEDULER_INVALID_SCHEDULES',
}

/**
 * The schedule files do not load. Lists every problem of every file (file, line, path) at once;
 * the scheduler does not start with half of its schedules.
 */
export class InvalidSchedulesError extends HubError<ScheduleErrorCode.InvalidSchedules> {
  readonly code = ScheduleErrorCode.InvalidSchedules;
  readonly retryable = false;

  constructor(
    readonly directory: string,
    readonly problems: readonly FileProblem[],
  ) {
    super(
      `Invalid schedules in ${directory} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${formatFileProblem(p)}`).join('\n'),
      { directory, problems },
    );
  }
}
