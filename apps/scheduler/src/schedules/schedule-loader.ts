import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileProblem, parseYamlDocuments } from '@hub/config';
import { InvalidSchedulesError } from './schedule.errors.js';
import { Schedule } from './schedule.js';
import { scheduleDocumentSchema } from './schedule.schema.js';

const SCHEDULE_FILE = /\.ya?ml$/;

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
  const isDirectory = await stat(directory).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    throw new InvalidSchedulesError(directory, [
      { file: directory, path: '(directory)', message: 'is not a directory (set HUB_CONFIG_DIR)' },
    ]);
  }
  const files = (await readdir(directory)).filter((name) => SCHEDULE_FILE.test(name)).sort();
  const problems: FileProblem[] = [];
  const schedules: Schedule[] = [];
  const firstFile = new Map<string, string>();
  for (const name of files) {
    const file = join(directory, name);
    const parsed = parseYamlDocuments(file, await readFile(file, 'utf8'), scheduleDocumentSchema, 'schedule');
    problems.push(...parsed.problems);
    for (const { value, document } of parsed.documents) {
      const earlier = firstFile.get(value.metadata.name);
      if (earlier !== undefined) {
        problems.push({
          file,
          ...(document ? { document } : {}),
          path: 'metadata.name',
          message: `schedule "${value.metadata.name}" is already defined in ${earlier}`,
        });
        continue;
      }
      firstFile.set(value.metadata.name, file);
      schedules.push(new Schedule(value, file));
    }
  }
  if (problems.length > 0) throw new InvalidSchedulesError(directory, problems);
  return schedules;
}
