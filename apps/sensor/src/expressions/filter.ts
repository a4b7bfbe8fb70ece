import { type EventPath, lookupPath } from './event-path.js';
import { InvalidRegexError } from './expression.errors.js';

/** Operators of a path filter. */
export type FilterOp = 'eq' | 'neq' | 'regex' | 'exists' | 'in' | NumericOp;
export type NumericOp = 'gt' | 'gte' | 'lt' | 'lte';

export type Scalar = string | number | boolean;

/**
 * One condition on an event, whatever its kind (path operator, CEL expression, time window,
 * any/all); a dependency matches when all its filters do.
 */
export interface EventMatcher {
  matches(event: unknown): boolean;
  /** `data.labels.slo eq "argocd-application-health"`, for logs and dry runs. */
  describe(): string;
}

/** A path filter (`{ path, op, value }`). */
export interface EventFilter extends EventMatcher {
  readonly path: EventPath;
  readonly op: FilterOp;
}

/** What the YAML says, before compilation. */
export type FilterSpec =
  | { readonly path: EventPath; readonly op: 'eq' | 'neq'; readonly value: Scalar }
  | { readonly path: EventPath; readonly op: 'regex'; readonly value: string }
  | { readonly path: EventPath; readonly op: 'exists' }
  | { readonly path: EventPath; readonly op: 'in'; readonly value: readonly Scalar[] }
  | { readonly path: EventPath; readonly op: NumericOp; readonly value: number };

const COMPARE: Record<NumericOp, (a: number, b: number) => boolean> = {
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
};

/**
 * Compiles a filter. Semantics follow Prometheus label matchers: values compare as text (YAML `5`
 * equals the label `"5"`); `neq` matches an absent value; `regex` is anchored (must match the whole
 * value) and never matches an absent one; `exists` wants a value that is present and not null;
 * `in` is `eq` against any of a list; `gt`/`gte`/`lt`/`lte` compare numbers (a numeric string such
 * as a label `"5"` counts) and never match an absent or non-numeric value.
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
    case 'in': {
      const allowed = new Set(spec.value.map(String));
      return {
        ...base,
        matches: (e) => {
          const value = read(e);
          return value !== undefined && allowed.has(value);
        },
        describe: () => describe(spec),
      };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const compare = COMPARE[spec.op];
      return {
        ...base,
        matches: (e) => {
          const value = read(e);
          const number = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
          return !Number.isNaN(number) && compare(number, spec.value);
        },
        describe: () => describe(spec),
      };
    }
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

/** Matches when any of `filters` does (`any:`). */
export function anyOf(filters: readonly EventMatcher[]): EventMatcher {
  return {
    matches: (e) => filters.some((f) => f.matches(e)),
    describe: () => `any(${filters.map((f) => f.describe()).join(', ')})`,
  };
}

/** Matches when every one of `filters` does (`all:`). */
export function allOf(filters: readonly EventMatcher[]): EventMatcher {
  return {
    matches: (e) => filters.every((f) => f.matches(e)),
    describe: () => `all(${filters.map((f) => f.describe()).join(', ')})`,
  };
}
