import { type z } from 'zod';

/** What {@link checkCorrelation} reads of a parsed sensor spec. */
interface CorrelatedSpec {
  readonly dependencies: readonly { readonly name: string }[];
  readonly aggregate?: unknown;
  readonly condition?: {
    readonly all?: { readonly of: readonly string[] };
    readonly sequence?: { readonly of: readonly string[] };
  };
}

/**
 * Cross-field rules of `condition.all` / `condition.sequence`, reported at the path the author
 * must fix: every name of `of` is a dependency of the sensor, every dependency takes part (one
 * outside the condition would never do anything), and no `aggregate` (a count of events per key
 * and a correlation of different events are two ways to open the incident — pick one).
 */
export function checkCorrelation(spec: CorrelatedSpec, ctx: z.RefinementCtx): void {
  for (const kind of ['all', 'sequence'] as const) {
    const correlation = spec.condition?.[kind];
    if (!correlation) continue;
    const names = new Set(spec.dependencies.map((d) => d.name));
    for (const [index, name] of correlation.of.entries()) {
      if (!names.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['condition', kind, 'of', index],
          message: `"${name}" is not a dependency of this sensor (it has ${[...names].join(', ')})`,
        });
      }
    }
    for (const [index, dependency] of spec.dependencies.entries()) {
      if (!correlation.of.includes(dependency.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['dependencies', index, 'name'],
          message: `"${dependency.name}" is not in condition.${kind}.of; with a correlation condition every dependency takes part in it`,
        });
      }
    }
    if (spec.aggregate !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['aggregate'],
        message: `conflicts with condition.${kind}: the condition completing opens the incident, not a count of events`,
      });
    }
  }
}
