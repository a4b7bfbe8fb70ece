import { configFilesError } from '@hub/config';

export enum ScheduleErrorCode {
  InvalidSchedules = 'SCHEDULER_INVALID_SCHEDULES',
}

/**
 * The schedule files do not load. Lists every problem of every file (file, line, path) at once;
 * the scheduler does not start with half of its schedules.
 */
export class InvalidSchedulesError extends configFilesError(ScheduleErrorCode.InvalidSchedules, 'schedules') {}
