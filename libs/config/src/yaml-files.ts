import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type z } from 'zod';
import { HubError } from '@hub/contracts';
import { type FileProblem, formatFileProblem, type ParsedDocument, parseYamlDocuments } from './yaml-documents.js';

const YAML_FILE = /\.ya?ml$/;

/**
 * YAML config files that do not load: every problem of every file (file, line, path) in one
 * message, so start-up stops once with the whole list. Each service names its own code.
 */
export abstract class InvalidConfigFilesError<C extends string = string> extends HubError<C> {
  readonly retryable = false;

  constructor(
    heading: string,
    readonly problems: readonly FileProblem[],
    context: Readonly<Record<string, unknown>> = {},
  ) {
    super(
      `${heading} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${formatFileProblem(p)}`).join('\n'),
      { ...context, problems },
    );
  }
}

/**
 * The error class of one service's config files, e.g.
 * `class InvalidSchedulesError extends configFilesError(ScheduleErrorCode.InvalidSchedules, 'schedules') {}`:
 * constructed with the directory or file (`source`) and every problem.
 */
export function configFilesError<C extends string>(code: C, what: string) {
  return class extends InvalidConfigFilesError<C> {
    readonly code = code;

    constructor(
      readonly source: string,
      problems: readonly FileProblem[],
    ) {
      super(`Invalid ${what} in ${source}`, problems, { source });
    }
  };
}

/** How {@link loadYamlDirectory} reads one directory of definitions. */
export interface YamlDirectoryOptions<S extends z.ZodType> {
  readonly directory: string;
  readonly schema: S;
  /** What one document holds, for messages (`sensor`, `schedule`). */
  readonly what: string;
  /** A missing directory is a problem (`true`) or no definition at all (`false`). */
  readonly required: boolean;
  /**
   * The name that must be unique across all files, and the path where a document states it; a
   * second document with the same name is a problem (`label` names it in the message).
   */
  readonly identity?: (value: z.output<S>) => { name: string; path: string; label?: string };
}

/**
 * Parses every `*.yaml` / `*.yml` of a directory (sorted, several documents per file) against one
 * schema. Never throws for bad content: answers what parsed and every problem — a missing
 * directory, YAML syntax, schema, a name used twice — so the caller throws one error with all.
 */
export async function loadYamlDirectory<S extends z.ZodType>(
  options: YamlDirectoryOptions<S>,
): Promise<{ documents: ParsedDocument<z.output<S>>[]; problems: FileProblem[] }> {
  const { directory, schema, what, identity } = options;
  const isDirectory = await stat(directory).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    const problems = options.required
      ? [{ file: directory, path: '(directory)', message: 'is not a directory (set HUB_CONFIG_DIR)' }]
      : [];
    return { documents: [], problems };
  }
  const documents: ParsedDocument<z.output<S>>[] = [];
  const problems: FileProblem[] = [];
  const firstFile = new Map<string, string>();
  for (const name of (await readdir(directory)).filter((n) => YAML_FILE.test(n)).sort()) {
    const file = join(directory, name);
    const parsed = parseYamlDocuments(file, await readFile(file, 'utf8'), schema, what);
    problems.push(...parsed.problems);
    for (const parsedDocument of parsed.documents) {
      const id = identity?.(parsedDocument.value);
      const earlier = id && firstFile.get(id.name);
      if (id && earlier !== undefined) {
        const { document } = parsedDocument;
        const label = id.label ?? `${what} "${id.name}"`;
        problems.push({
          file,
          ...(document ? { document } : {}),
          path: id.path,
          message: `${label} is already defined in ${earlier}`,
        });
        continue;
      }
      if (id) firstFile.set(id.name, file);
      documents.push(parsedDocument);
    }
  }
  return { documents, problems };
}

/**
 * Reads and parses one YAML file holding one document. `missing` when the file does not exist
 * (the caller's built-in default applies); an unreadable file or a bad document is a problem.
 */
export async function loadYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  what: string,
): Promise<{ value?: z.output<S>; problems: FileProblem[]; missing: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { problems: [], missing: true };
    return {
      problems: [{ file, path: '(file)', message: `cannot be read: ${(error as Error).message}` }],
      missing: false,
    };
  }
  return { ...parseYamlFile(file, text, schema, what), missing: false };
}

/** One document of one file's `text` against `schema`: the value, or every problem (line and path). */
export function parseYamlFile<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  what: string,
): { value?: z.output<S>; problems: FileProblem[] } {
  const { documents, problems } = parseYamlDocuments(file, text, schema, what);
  if (documents.length > 1) {
    return {
      problems: [
        ...problems,
        { file, path: '(document)', message: `holds one ${what}, not ${documents.length} documents` },
      ],
    };
  }
  const value = problems.length === 0 ? documents[0]?.value : undefined;
  return value === undefined ? { problems } : { value, problems };
}
