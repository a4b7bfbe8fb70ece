import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileProblem, parseYamlDocuments } from '@hub/config';
import { InvalidSourcesError } from './source.errors.js';
import { type SourceDocument, sourceDocumentSchema } from './source.schema.js';

const SOURCE_FILE = /\.ya?ml$/;

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
  const exists = await stat(directory).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists) return [];
  const files = (await readdir(directory)).filter((name) => SOURCE_FILE.test(name)).sort();
  const problems: FileProblem[] = [];
  const sources: SourceDefinition[] = [];
  const firstFile = new Map<string, string>();
  for (const name of files) {
    const file = join(directory, name);
    const parsed = parseYamlDocuments(file, await readFile(file, 'utf8'), sourceDocumentSchema, 'source');
    problems.push(...parsed.problems);
    for (const { value, document } of parsed.documents) {
      const earlier = firstFile.get(value.metadata.name);
      if (earlier !== undefined) {
        problems.push({
          file,
          ...(document ? { document } : {}),
          path: 'metadata.name',
          message: `source "${value.metadata.name}" is already defined in ${earlier}`,
        });
        continue;
      }
      firstFile.set(value.metadata.name, file);
      sources.push({ name: value.metadata.name, file, document: value });
    }
  }
  if (problems.length > 0) throw new InvalidSourcesError(directory, problems);
  return sources;
}
