import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import { type z } from 'zod';
import { InvalidSensorsError, type SensorProblem } from './sensor.errors.js';
import { type Sensor, sensorSchema } from './sensor.schema.js';

/** A sensor and the file it came from. */
export interface LoadedSensor {
  readonly sensor: Sensor;
  readonly file: string;
}

const SENSOR_FILE = /\.ya?ml$/;

/**
 * Loads every `*.yaml` / `*.yml` of `directory` (several documents per file allowed, `---`).
 * All or nothing: any problem in any file — YAML syntax, schema, templates, duplicate names —
 * throws one {@link InvalidSensorsError} that lists them all with file, line and path.
 */
export async function loadSensors(directory: string): Promise<LoadedSensor[]> {
  const isDirectory = await stat(directory).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    throw new InvalidSensorsError(directory, [
      { file: directory, path: '(directory)', message: 'is not a directory (set HUB_CONFIG_DIR)' },
    ]);
  }
  const files = (await readdir(directory)).filter((name) => SENSOR_FILE.test(name)).sort();
  const problems: SensorProblem[] = [];
  const loaded: LoadedSensor[] = [];
  for (const name of files) {
    const file = join(directory, name);
    const result = parseSensorFile(file, await readFile(file, 'utf8'));
    problems.push(...result.problems);
    loaded.push(...result.sensors);
  }
  problems.push(...duplicateNames(loaded));
  if (problems.length > 0) throw new InvalidSensorsError(directory, problems);
  return loaded;
}

/** Parses one file's text; never throws, returns what loaded and what is wrong. */
export function parseSensorFile(file: string, text: string): { sensors: LoadedSensor[]; problems: SensorProblem[] } {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  const problems: SensorProblem[] = [];
  const sensors: LoadedSensor[] = [];
  const list = Array.isArray(documents) ? documents : [];
  const multi = list.length > 1;
  if (list.length === 0 || list.every((d) => d.contents === null)) {
    problems.push({ file, path: '(document)', message: 'holds no sensor' });
  }
  for (const [index, document] of list.entries()) {
    const where = { file, ...(multi ? { document: index + 1 } : {}) };
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const line = error.linePos?.[0]?.line;
        problems.push({ ...where, ...(line ? { line } : {}), path: '(yaml)', message: firstLine(error.message) });
      }
      continue;
    }
    if (document.contents === null) continue;
    const result = sensorSchema.safeParse(document.toJS());
    if (result.success) {
      sensors.push({ sensor: result.data, file });
      continue;
    }
    for (const { path, message } of result.error.issues.flatMap(explain)) {
      const line = lineOf(document, lineCounter, path);
      problems.push({ ...where, ...(line ? { line } : {}), path: pathOf(path), message });
    }
  }
  return { sensors, problems };
}

function duplicateNames(loaded: readonly LoadedSensor[]): SensorProblem[] {
  const first = new Map<string, string>();
  const problems: SensorProblem[] = [];
  for (const { sensor, file } of loaded) {
    const name = sensor.metadata.name;
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, file);
    else problems.push({ file, path: 'metadata.name', message: `sensor "${name}" is already defined in ${earlier}` });
  }
  return problems;
}

/** The line of the deepest YAML node along `path` (the parent's when the key itself is missing). */
function lineOf(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth) as unknown[], true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(document)' : path.map(String).join('.');
}

/** zod's issue in the words of a sensor author; one problem per unknown field, at that field. */
function explain(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: 'is not a field here' }));
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return [{ path: issue.path, message: 'is required' }];
  }
  if (issue.code === 'invalid_type' && issue.expected === 'string' && issue.message.endsWith('received object')) {
    return [{ path: issue.path, message: "must be a string (quote a value that starts with {{: '{{ data.x }}')" }];
  }
  return [{ path: issue.path, message: issue.message }];
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
