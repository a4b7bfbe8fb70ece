import { join } from 'node:path';
import { loadYamlDirectory } from '@hub/config';
import { InvalidSourcesError } from './source.errors.js';
import { type SourceDocument, sourceDocumentSchema } from './source.schema.js';

/** A source definition as loaded, with the file it came from. */
export interface SourceDefinition {
  readonly name: string;
  readonly file: string;
  readonly document: SourceDocument;
}

/** Where source files live under the config directory. */
export function sourcesDirectory(configDir: string): string {
  return join(configDir, 'sources');
}

/**
 * Loads every `*.yaml` / `*.yml` of `directory` (several documents per file allowed). All or
 * nothing, like sensors and schedules: any problem in any file — YAML syntax, unknown fields, an
 * internal event type in a mapping, a bad MQTT filter or duration, a name used twice — throws one
 * {@link InvalidSourcesError} listing them all with file, line and path. A missing directory is
 * no source at all (the service then only serves health and metrics).
 */
export async function loadSources(directory: string): Promise<SourceDefinition[]> {
  const { documents, problems } = await loadYamlDirectory({
    directory,
    schema: sourceDocumentSchema,
    what: 'source',
    required: false,
    identity: (source) => ({ name: source.metadata.name, path: 'metadata.name' }),
  });
  if (problems.length > 0) throw new InvalidSourcesError(directory, problems);
  return documents.map(({ value, file }) => ({ name: value.metadata.name, file, document: value }));
}
