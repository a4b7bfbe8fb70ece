import { loadYamlDirectory, parseYamlDocuments } from '@hub/config';
import { InvalidSensorsError, type SensorProblem } from './sensor.errors.js';
import { type Sensor, sensorSchema } from './sensor.schema.js';

/** A sensor and the file it came from. */
export interface LoadedSensor {
  readonly sensor: Sensor;
  readonly file: string;
}

/**
 * Loads every `*.yaml` / `*.yml` of `directory` (several documents per file allowed, `---`).
 * All or nothing: any problem in any file — YAML syntax, schema, templates, duplicate names —
 * throws one {@link InvalidSensorsError} that lists them all with file, line and path.
 */
export async function loadSensors(directory: string): Promise<LoadedSensor[]> {
  const { documents, problems } = await loadYamlDirectory({
    directory,
    schema: sensorSchema,
    what: 'sensor',
    required: true,
    identity: (sensor) => ({ name: sensor.metadata.name, path: 'metadata.name' }),
  });
  if (problems.length > 0) throw new InvalidSensorsError(directory, problems);
  return documents.map(({ value, file }) => ({ sensor: value, file }));
}

/** Parses one file's text; never throws, returns what loaded and what is wrong. */
export function parseSensorFile(file: string, text: string): { sensors: LoadedSensor[]; problems: SensorProblem[] } {
  const { documents, problems } = parseYamlDocuments(file, text, sensorSchema, 'sensor');
  return { sensors: documents.map(({ value }) => ({ sensor: value, file })), problems };
}
