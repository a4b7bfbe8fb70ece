import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import { type z } from 'zod';

/** One thing wrong with a YAML config file: where (file, document, line, path) and what. */
export interface FileProblem {
  readonly file: string;
  /** 1-based index of the YAML document, for files that hold several (`---`). */
  readonly document?: number;
  readonly line?: number;
  /** Dotted path inside the document (`spec.cron`), `(document)` for the whole, `(yaml)` for syntax. */
  readonly path: string;
  readonly message: string;
}

/** A document that passed its schema, with where it came from (for later cross-document checks). */
export interface ParsedDocument<T> {
  readonly value: T;
  readonly file: string;
  readonly document?: number;
}

/**
 * Parses every YAML document of one file's `text` against `schema`. Never throws: answers what
 * parsed and every problem — YAML syntax, unknown fields, wrong types — with its line, so a loader
 * can list all problems of all files in one start-up error. `what` names the thing a file holds
 * (for "holds no schedule").
 */
export function parseYamlDocuments<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  what: string,
): { documents: ParsedDocument<z.output<S>>[]; problems: FileProblem[] } {
  const lineCounter = new LineCounter();
  const list = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  const documents: ParsedDocument<z.output<S>>[] = [];
  const problems: FileProblem[] = [];
  const all = Array.isArray(list) ? list : [];
  const multi = all.length > 1;
  if (all.length === 0 || all.every((d) => d.contents === null)) {
    problems.push({ file, path: '(document)', message: `holds no ${what}` });
  }
  for (const [index, document] of all.entries()) {
    const where = { file, ...(multi ? { document: index + 1 } : {}) };
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const line = error.linePos?.[0]?.line;
        problems.push({ ...where, ...(line ? { line } : {}), path: '(yaml)', message: firstLine(error.message) });
      }
      continue;
    }
    if (document.contents === null) continue;
    const result = schema.safeParse(document.toJS());
    if (result.success) {
      documents.push({ value: result.data, ...where });
      continue;
    }
    for (const { path, message } of result.error.issues.flatMap(explain)) {
      const line = lineOf(document, lineCounter, path);
      problems.push({ ...where, ...(line ? { line } : {}), path: pathOf(path), message });
    }
  }
  return { documents, problems };
}

/** `schedules/bad.yaml:12 (document 2) spec.cron: …`. */
export function formatFileProblem(problem: FileProblem): string {
  const line = problem.line === undefined ? '' : `:${problem.line}`;
  const document = problem.document === undefined ? '' : ` (document ${problem.document})`;
  return `${problem.file}${line}${document} ${problem.path}: ${problem.message}`;
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

/** zod's issue in the words of a config author; one problem per unknown field, at that field. */
function explain(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: 'is not a field here' }));
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return [{ path: issue.path, message: 'is required' }];
  }
  if (issue.code === 'invalid_type' && issue.expected === 'string' && issue.message.endsWith('received object')) {
    // An unquoted `{{ data.x }}` is a YAML flow mapping, not the template text it looks like.
    return [{ path: issue.path, message: "must be a string (quote a value that starts with {{: '{{ data.x }}')" }];
  }
  return [{ path: issue.path, message: issue.message }];
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
