import { InvalidPathError } from './expression.errors.js';

/**
 * Where a path may start: the envelope's attributes and the hub's extensions. Anything else is a
 * typo caught at start-up rather than a filter that silently never matches.
 */
export const PATH_ROOTS = [
  'id',
  'source',
  'type',
  'time',
  'subject',
  'data',
  'incidentkey',
  'correlationid',
  'hubsource',
] as const;

const WORD = /^[A-Za-z0-9_-]+/;
const QUOTED = /^\[\s*("(?:[^"\\]|\\.)*")\s*\]/;

/** A parsed path into an event envelope: `data.labels.name`, `data.labels["app.kubernetes.io/name"]`. */
export interface EventPath {
  readonly text: string;
  readonly segments: readonly string[];
}

/** What a path finds in an event: `found` is false when a segment is absent or the value is null. */
export type PathLookup = { readonly found: true; readonly value: unknown } | { readonly found: false };

/**
 * Parses `data.labels.name` (dot-separated words; `["any key"]` for keys with dots or slashes).
 * `roots` are the names a path may start with: the envelope's by default; templates over something
 * else (an action result, `onSuccess`) pass their own.
 */
export function parsePath(text: string, roots: readonly string[] = PATH_ROOTS): EventPath {
  const source = text.trim();
  const malformed = (at: string) => new InvalidPathError(`path "${text}" is malformed at "${at}"`, { path: text });
  const first = WORD.exec(source);
  if (!first) throw source === '' ? new InvalidPathError('path is empty', { path: text }) : malformed(source);
  const segments = [first[0]];
  let rest = source.slice(first[0].length);
  while (rest.length > 0) {
    const word = rest.startsWith('.') ? WORD.exec(rest.slice(1)) : null;
    const quoted = rest.startsWith('[') ? QUOTED.exec(rest) : null;
    if (word) {
      segments.push(word[0]);
      rest = rest.slice(1 + word[0].length);
    } else if (quoted) {
      segments.push(JSON.parse(quoted[1]!) as string);
      rest = rest.slice(quoted[0].length);
    } else {
      throw malformed(rest);
    }
  }
  if (!roots.includes(first[0])) {
    throw new InvalidPathError(`path "${text}" must start with one of ${roots.join(', ')}`, { path: text });
  }
  return { text: source, segments };
}

/** Follows `path` through `event`, own properties only (never `__proto__`, `constructor`, …). */
export function lookupPath(event: unknown, path: EventPath): PathLookup {
  let current: unknown = event;
  for (const segment of path.segments) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return { found: false };
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined || current === null ? { found: false } : { found: true, value: current };
}
