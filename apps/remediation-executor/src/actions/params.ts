import { type z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { InvalidActionParamsError } from './action.errors.js';

/**
 * The request's params through `schema`, or InvalidActionParamsError naming every bad param
 * (`maxAgeDays: Too small: expected number to be >=1`): a request that can never succeed.
 */
export function parseParams<S extends z.ZodType>(request: ActionRequested, schema: S): z.output<S> {
  const parsed = schema.safeParse(request.params);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(params)'}: ${issue.message}`,
  );
  throw new InvalidActionParamsError(`invalid ${request.kind} params: ${problems.join('; ')}`, {
    params: request.params,
    problems,
  });
}

/** Whole days from `from` to `to` (negative when `to` is earlier), rounded down. */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / 86_400_000);
}
