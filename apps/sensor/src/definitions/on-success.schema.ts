import { z } from 'zod';
import { type EventPath, parsePath } from '../expressions/event-path.js';
import { Template } from '../expressions/template.js';

/**
 * What `onSuccess` templates may read. They are rendered from the executor's `action.succeeded`
 * (not from the opening event, which is gone by then): the result's `details`, `kind`, `target`,
 * `attempts`, `durationMs`, `dryRun`; the `incident` (`key`, `title`, `team`, `fields`); and, with
 * `forEach`, the entry's `key` (map key or list index) and `value`.
 */
export const RESULT_ROOTS = [
  'details',
  'kind',
  'target',
  'attempts',
  'durationMs',
  'dryRun',
  'incident',
  'key',
  'value',
] as const;

/** Runs a compiler inside zod, turning its exception into an issue at the value's path. */
function compiled<O>(compile: (value: string) => O) {
  return z.string().transform((value, ctx): O => {
    try {
      return compile(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
}

const resultTemplate = compiled((source) => Template.compile(source, RESULT_ROOTS));
/** `forEach` reads the result only: `details.teams`, not an entry of itself. */
const FOR_EACH_ROOTS = RESULT_ROOTS.filter((root) => root !== 'key' && root !== 'value');
const resultPath = compiled((source): EventPath => parsePath(source, FOR_EACH_ROOTS));

/** Team messages made from the result: one, or one per entry of the map / list at `forEach`. */
const resultNotifySchema = z.strictObject({
  forEach: resultPath.optional(),
  /** Default: the incident's team. A team not in teams.yaml → the default team, its name in the title. */
  team: resultTemplate.optional(),
  route: z.string().min(1).optional(),
  title: resultTemplate,
  text: resultTemplate.default(Template.compile('')),
  severity: z.enum(['info', 'warning', 'critical']).default('info'),
  fields: z.record(z.string(), resultTemplate).default({}),
  /** Who reads it by email: the team's address list, or its report readers (teams.yaml `stakeholders`). */
  audience: z.enum(['team', 'stakeholders']).default('team'),
});

/**
 * A remediation trigger's `onSuccess`: what happens when the executor reports `action.succeeded`,
 * beyond the incident going `remediated`. Scheduled runs (S7) use it: nothing else resolves them.
 */
export const onSuccessSchema = z.strictObject({
  /** Resolve the incident (remediated → resolved): "resolved" notification, on-resolve triggers, ticket resolve. */
  resolve: z.boolean().default(false),
  notify: resultNotifySchema.optional(),
});

export type OnSuccess = z.output<typeof onSuccessSchema>;
export type ResultNotify = NonNullable<OnSuccess['notify']>;

/** `onSuccess` belongs to the remediation (the first `on: open` trigger): only its result is tracked. */
export function checkOnSuccess(
  triggers: readonly { on: 'open' | 'resolve'; onSuccess?: OnSuccess | undefined }[],
  ctx: z.RefinementCtx,
): void {
  const remediation = triggers.findIndex((t) => t.on === 'open');
  for (const [index, trigger] of triggers.entries()) {
    if (trigger.onSuccess && index !== remediation) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'onSuccess'],
        message: 'only the remediation (the first `on: open` trigger) has a tracked result',
      });
    }
  }
}
