import { Environment } from '@marcbachmann/cel-js';
import { InvalidExpressionError } from './expression.errors.js';
import { type EventMatcher } from './filter.js';

/**
 * CEL expressions see the event as `event` (the whole CloudEvents envelope) and `data` (its
 * payload), both dynamically typed. No other variables exist, so a typo (`evnt.type`) fails the
 * type check at load time rather than never matching.
 */
const environment = new Environment({ limits: { maxAstNodes: 2_000, maxDepth: 50 } })
  .registerVariable('event', 'dyn')
  .registerVariable('data', 'dyn');

/**
 * Compiles a CEL filter (`expr:`) with `@marcbachmann/cel-js`: parsed and type-checked once, at
 * load time — a syntax error, an unknown variable or a result that cannot be a bool is a load
 * error. CEL is sandboxed (no I/O, no loops, no access to the host); nothing here uses eval or
 * `new Function`. At run time an evaluation error (a missing key: `data.labels.team` on an event
 * without that label) means "does not match", as a missing value does for the path filters;
 * `has(data.labels.team)` tests presence explicitly.
 */
export function compileCel(source: string): EventMatcher {
  let evaluate: ReturnType<Environment['parse']>;
  try {
    evaluate = environment.parse(source);
  } catch (error) {
    throw new InvalidExpressionError(`CEL "${source}" does not parse: ${firstLine(error)}`, { expr: source });
  }
  const check = evaluate.check();
  if (!check.valid) {
    throw new InvalidExpressionError(`CEL "${source}": ${firstLine(check.error)}`, { expr: source });
  }
  if (check.type !== 'bool' && check.type !== 'dyn') {
    throw new InvalidExpressionError(`CEL "${source}" gives ${check.type}, a filter needs bool`, { expr: source });
  }
  return {
    matches(event) {
      const data = (event as { data?: unknown } | null)?.data ?? null;
      try {
        return evaluate({ event, data }) === true;
      } catch {
        return false;
      }
    },
    describe: () => `expr ${JSON.stringify(source)}`,
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
