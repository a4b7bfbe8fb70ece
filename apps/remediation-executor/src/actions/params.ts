import { type z } from 'zod';
import { type ActionRequested, kubernetesNameProblem } from '@hub/contracts';
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

/**
 * Checks names a request brings (from its target or its params) before they reach a URL path:
 * `{ namespace: [value, 'label'], name: [value, 'subdomain'] }`. Throws InvalidActionParamsError
 * naming every bad one, so `..` or `a/b` parks the request instead of calling the API.
 */
export function assertKubernetesNames(
  request: ActionRequested,
  names: Record<string, readonly [string | undefined, 'label' | 'subdomain']>,
): void {
  const problems = Object.entries(names).flatMap(([field, [value, kind]]) => {
    const problem = value === undefined ? undefined : kubernetesNameProblem(value, kind);
    return problem ? [`${field} "${value}": ${problem}`] : [];
  });
  if (problems.length > 0) {
    throw new InvalidActionParamsError(`invalid ${request.kind} names: ${problems.join('; ')}`, {
      target: request.target,
      problems,
    });
  }
}

/** Whole days from `from` to `to` (negative when `to` is earlier), rounded down. */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / 86_400_000);
}
