import { type EventPath, lookupPath } from './event-path.js';
import { InvalidRegexError } from './expression.errors.js';

/** Operators a filter may use. `in`, `gt` and `cel` can join later behind the same interface. */
export type FilterOp = 'eq' | 'neq' | 'regex' | 'exists';

export type Scalar = string | number | boolean;

/** One condition on an event; a dependency matches when all its filters do. */
export interface EventFilter {
  readonly path: EventPath;
  readonly op: FilterOp;
  matches(event: unknown): boolean;
  /** `data.labels.slo eq "argocd-application-health"`, for logs. */
  describe(): string;
}

/** What the YAML says, before compilation. */
export type FilterSpec =
  | { readonly path: EventPath; readonly op: 'eq' | 'neq'; readonly value: Scalar }
  | { readonly path: EventPath; readonly op: 'regex'; readonly value: string }
  | { readonly path: EventPath; readonly op: 'exists' };

/**
 * Compiles a filter. Semantics follow Prometheus label matchers: values compare as text (YAML `5`
 * equals the label `"5"`); `neq` matches an absent value; `regex` is anchored (must match the whole
 * value) and never matches an absent one; `exists` wants a value that is present and not null.
 */
export function compileFilter(spec: FilterSpec): EventFilter {
  const read = (event: unknown): string | undefined => {
    const lookup = lookupPath(event, spec.path);
    if (!lookup.found) return undefined;
    const { value } = lookup;
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  const base = { path: spec.path, op: spec.op };
  switch (spec.op) {
    case 'eq':
      return { ...base, matches: (e) => read(e) === String(spec.value), describe: () => describe(spec) };
    case 'neq':
      return { ...base, matches: (e) => read(e) !== String(spec.value), describe: () => describe(spec) };
    case 'regex': {
      const regex = compileRegex(spec.value);
      return {
        ...base,
        matches: (e) => {
          const value = read(e);
          return value !== undefined && regex.test(value);
        },
        describe: () => describe(spec),
      };
    }
    case 'exists':
      return { ...base, matches: (e) => lookupPath(e, spec.path).found, describe: () => describe(spec) };
  }
}

/** An anchored regular expression (the whole value must match, as in Prometheus). */
export function compileRegex(source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (error) {
    throw new InvalidRegexError(`"${source}" is not a valid regular expression: ${(error as Error).message}`, {
      regex: source,
    });
  }
}

function describe(spec: FilterSpec): string {
  return 'value' in spec
    ? `${spec.path.text} ${spec.op} ${JSON.stringify(spec.value)}`
    : `${spec.path.text} ${spec.op}`;
}
