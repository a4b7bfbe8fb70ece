import { join } from 'node:path';
import { loadYamlDirectory } from '@hub/config';
import { InvalidSchedulesError } from './schedule.errors.js';
import { Schedule } from './schedule.js';
import { scheduleDocumentSchema } from './schedule.schema.js';

/** Where schedules live under the config directory. */
export function schedulesDirectory(configDir: string): string {
  return join(configDir, 'schedules');
}

/**
 * Loads every `*.yaml` / `*.yml` of `directory` (several documents per file allowed, `---`).
 * All or nothing: any problem in any file — YAML syntax, unknown fields, a bad cron expression,
 * time zone, date or duration, a name used twice — throws one {@link InvalidSchedulesError}
 * listing them all with file, line and path.
 */
export async function loadSchedules(directory: string): Promise<Schedule[]> {
  const { documents, problems } = await loadYamlDirectory({
    directory,
    schema: scheduleDocumentSchema,
    what: 'schedule',
    required: true,
    identity: (schedule) => ({ name: schedule.metadata.name, path: 'metadata.name' }),
  });
  if (problems.length > 0) throw new InvalidSchedulesError(directory, problems);
  return documents.map(({ value, file }) => new Schedule(value, file));
}
