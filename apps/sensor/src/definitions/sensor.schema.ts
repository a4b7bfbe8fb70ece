import { approvalSchema, checkApprovals } from '../approvals/approval.schema.js';
import { z } from 'zod';
import { findEventDefinition, incidentStateSchema } from '@hub/contracts';
import { parseDuration } from '../expressions/duration.js';
import { parsePath } from '../expressions/event-path.js';
import { compileCel } from '../expressions/cel.js';
import { allOf, anyOf, compileFilter, compileRegex, type EventMatcher } from '../expressions/filter.js';
import { checkZone, compileTimeWindow, parseClock, WEEKDAYS } from '../expressions/time-window.js';
import { type ParamTemplate, Template } from '../expressions/template.js';
import { checkCorrelation } from './correlation.check.js';
import { checkOnSuccess, onSuccessSchema } from './on-success.schema.js';

/** Runs a compiler inside zod, turning its exception into an issue at the value's path. */
function compiled<I, O>(input: z.ZodType<I>, compile: (value: I) => O) {
  return input.transform((value, ctx): O => {
    try {
      return compile(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
}

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: 'must be lower-case letters, digits and -, up to 63' });
const template = compiled(z.string(), (source) => Template.compile(source));
const path = compiled(z.string(), parsePath);
const duration = compiled(z.union([z.string(), z.literal(0)]), (value) => parseDuration(String(value)));
/** The sensor's own feedback loop: a sensor depending on these would react to itself. */
const OWN_TYPES = /^(?:action\.(?:requested|succeeded|failed)|notification\.requested|ticket\.requested)(?:\.|$)/;
const eventType = z
  .string()
  .refine((type) => findEventDefinition(type) !== undefined, {
    error: (issue) => `"${String(issue.input)}" is not an event type of the catalog`,
  })
  .refine((type) => !OWN_TYPES.test(type), {
    error: (issue) => `"${String(issue.input)}" is the sensor's own feedback loop; a sensor cannot depend on it`,
  });
const actionKind = z.string().regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*(?:\.[a-z0-9]+(?:[-_][a-z0-9]+)*)*$/, {
  error: 'must look like argocd.sync (lower-case words separated by dots)',
});
const severity = z.enum(['info', 'warning', 'critical']);
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const pathFilterSchema = z
  .discriminatedUnion(
    'op',
    [
      z.strictObject({ path, op: z.enum(['eq', 'neq']), value: scalar }),
      z.strictObject({ path, op: z.literal('regex'), value: z.string().refine(isRegex, { error: regexProblem }) }),
      z.strictObject({ path, op: z.literal('exists') }),
      z.strictObject({ path, op: z.literal('in'), value: z.array(scalar).min(1, { error: 'lists no value' }) }),
      z.strictObject({ path, op: z.enum(['gt', 'gte', 'lt', 'lte']), value: z.number({ error: 'must be a number' }) }),
    ],
    { error: 'op must be one of eq, neq, regex, exists, in, gt, gte, lt, lte' },
  )
  .transform((spec): EventMatcher => compileFilter(spec));

const timeFilterSchema = z
  .strictObject({
    time: z.strictObject({
      zone: compiled(z.string(), checkZone),
      days: z
        .array(z.enum(WEEKDAYS))
        .min(1)
        .default([...WEEKDAYS]),
      from: z.string().refine(isClock, { error: 'must be a time of day HH:MM' }).default('00:00'),
      to: z.string().refine(isClock, { error: 'must be a time of day HH:MM (24:00 = end of day)' }).default('24:00'),
    }),
  })
  .transform(({ time }): EventMatcher => compileTimeWindow(time));

/**
 * A filter is one of: a path operator (`{ path, op, value }`), a CEL expression (`{ expr }`), a
 * time window (`{ time }`), or a combination (`{ any: [...] }`, `{ all: [...] }`) of filters.
 * The shape is chosen by its key so an error speaks about the filter the author meant.
 */
const filterSchema: z.ZodType<EventMatcher> = z.lazy(() =>
  z.unknown().transform((value, ctx): EventMatcher => {
    const shape = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
    const schema: z.ZodType<EventMatcher> | undefined =
      'op' in shape || 'path' in shape
        ? pathFilterSchema
        : 'expr' in shape
          ? exprFilterSchema
          : 'time' in shape
            ? timeFilterSchema
            : 'any' in shape
              ? anyFilterSchema
              : 'all' in shape
                ? allFilterSchema
                : undefined;
    if (!schema) {
      ctx.addIssue({ code: 'custom', message: 'a filter has path and op, expr, time, any or all' });
      return z.NEVER;
    }
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  }),
);
const exprFilterSchema = z.strictObject({ expr: compiled(z.string(), compileCel) }).transform((f) => f.expr);
const anyFilterSchema = z
  .strictObject({ any: z.array(filterSchema).min(1, { error: 'lists no filter' }) })
  .transform((f) => anyOf(f.any));
const allFilterSchema = z
  .strictObject({ all: z.array(filterSchema).min(1, { error: 'lists no filter' }) })
  .transform((f) => allOf(f.all));

const dependencySchema = z.strictObject({
  name: dnsLabel,
  eventType,
  filters: z.array(filterSchema).default([]),
});

/** Action params: any YAML tree; each string in it is compiled as a template, problems at their own path. */
const paramsSchema = z.record(z.string(), z.unknown()).transform((params, ctx) => {
  const compile = (value: unknown, path: PropertyKey[]): ParamTemplate => {
    if (typeof value === 'string') {
      try {
        return Template.compile(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path, message: (error as Error).message });
        return null;
      }
    }
    if (Array.isArray(value)) return value.map((item, index) => compile(item, [...path, index]));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, compile(item, [...path, key])]));
    }
    return value as number | boolean | null;
  };
  return compile(params, []) as Readonly<Record<string, ParamTemplate>>;
});

/**
 * A trigger: an action requested when the incident opens (`on: open`, the default) or resolves
 * (`on: resolve`). The first `on: open` trigger is the incident's remediation — its result moves
 * the incident (remediated, failed → escalated); further `on: open` triggers are requested once,
 * alongside it, and their results are not tracked.
 */
const triggerSchema = z.strictObject({
  name: dnsLabel,
  on: z.enum(['open', 'resolve']).default('open'),
  action: z.strictObject({
    kind: actionKind,
    target: template,
    params: paramsSchema.default({}),
  }),
  dryRun: z.boolean().default(false),
  /** The remediation trigger only: request the action again after a reported failure, up to `attempts` in all. */
  retry: z.strictObject({ attempts: z.number().int().min(1).max(10) }).optional(),
  /** At most `max` requests of this trigger (across all keys) within `per`; more wait for a repeat. */
  rateLimit: z.strictObject({ max: z.number().int().min(1), per: duration }).optional(),
  /** The remediation trigger only: resolve the incident and/or message teams from the result (on-success.schema.ts). */
  onSuccess: onSuccessSchema.optional(),
  /** The remediation trigger only: wait for a person's approval before the action is requested. */
  approval: approvalSchema.optional(),
});

const incidentSchema = z.strictObject({
  /** Owner team (teams.yaml); absent → the teams.yaml owner of the event. */
  team: template.optional(),
  key: template.default(Template.compile('{{ incidentkey }}')),
  title: template,
  text: template.optional(),
  severity: severity.optional(),
  fields: z.record(z.string(), template).default({}),
  route: z.string().min(1).default('default'),
  resolveOn: eventType.default('alert.resolved'),
  cooldown: duration.default(0),
  verifyAfter: duration.default(5 * 60_000),
  actionTimeout: duration.default(15 * 60_000),
});

/** One step of an escalation chain: a louder notification (on-call, page) and/or the ticket. */
const escalationStepSchema = z.strictObject({
  after: duration,
  route: z.string().min(1).optional(),
  severity: severity.default('critical'),
  /** Mention the team's on-call (default true: a step is for people). */
  mention: z.boolean().default(true),
  /** Open the incident's ticket now (when the sensor has `ticket:` and it is not open yet). */
  ticket: z.boolean().default(false),
  text: z.string().min(1).optional(),
});

const linkSchema = z.strictObject({ title: template, url: template });

/** One ticket per incident (`ticket.requested`): when it opens, or when it escalates (the default). */
const ticketSchema = z.strictObject({
  when: z.enum(['open', 'escalation']).default('escalation'),
  team: template.optional(),
  labels: z.array(z.string().min(1)).default([]),
});

/** A one-off team message per matching event (`notification.requested` kind message), no incident. */
const notifySchema = z.strictObject({
  team: template.optional(),
  route: z.string().min(1).optional(),
  title: template,
  text: template.default(Template.compile('')),
  severity: severity.default('info'),
  fields: z.record(z.string(), template).default({}),
  links: z.array(linkSchema).default([]),
});

/** `condition.all` / `condition.sequence`: the dependencies, the window and the correlation key. */
const correlationSchema = z.strictObject({
  of: z
    .array(dnsLabel)
    .min(2, { error: 'lists fewer than two dependencies (one dependency needs no condition)' })
    .superRefine((names, ctx) => {
      for (const [index, name] of names.entries()) {
        if (names.indexOf(name) !== index)
          ctx.addIssue({ code: 'custom', path: [index], message: `"${name}" is listed twice` });
      }
    }),
  within: duration.refine((ms) => ms > 0, { error: 'must be longer than 0' }),
  correlate: template,
});

/**
 * One sensor file document (`apiVersion: hub/v1`, `kind: Sensor`). Parsing compiles it: templates,
 * paths, regular expressions and durations are checked here, at start-up, so a sensor that loads
 * cannot fail on syntax later — only on an event lacking a value a template needs.
 */
export const sensorSchema = z.strictObject({
  apiVersion: z.literal('hub/v1', { error: 'must be hub/v1' }),
  kind: z.literal('Sensor', { error: 'must be Sensor' }),
  metadata: z.strictObject({ name: dnsLabel, description: z.string().optional() }),
  spec: z
    .strictObject({
      dependencies: z
        .array(dependencySchema)
        .min(1, { error: 'a sensor needs at least one dependency' })
        .superRefine((dependencies, ctx) => uniqueNames(dependencies, ctx)),
      incident: incidentSchema.optional(),
      notify: notifySchema.optional(),
      triggers: z
        .array(triggerSchema)
        .default([])
        .superRefine((triggers, ctx) => {
          uniqueNames(triggers, ctx);
          checkOnSuccess(triggers, ctx);
          checkApprovals(triggers, ctx);
        }),
      ticket: ticketSchema.optional(),
      /** Opens the incident only once `count` matching events of its key arrived within `within`. */
      aggregate: z
        .strictObject({ count: z.number().int().min(2, { error: 'must be 2 or more' }), within: duration })
        .optional(),
      /** Drops repeats of an identical event (same `key`, default: type, subject and data) within `within`. */
      dedup: z.strictObject({ key: template.optional(), within: duration }).optional(),
      /**
       * The absence rule: an event of dependency `after` arms a deadline per `correlate` key; an event
       * of `missing` with the same key disarms it; a deadline that comes due opens the incident (from
       * the `after` event). "Backup started but not finished within 2 h."
       */
      condition: z
        .strictObject({
          absent: z
            .strictObject({ after: dnsLabel, missing: dnsLabel, within: duration, correlate: template })
            .optional(),
          /** "A and B within T", any order, per `correlate` key: the event completing it opens the incident. */
          all: correlationSchema.optional(),
          /** "A then B within T": each dependency of `of` after the previous one; B before A does not count. */
          sequence: correlationSchema.optional(),
        })
        .superRefine((condition, ctx) => {
          const kinds = (['absent', 'all', 'sequence'] as const).filter((kind) => condition[kind] !== undefined);
          if (kinds.length !== 1) {
            ctx.addIssue({
              code: 'custom',
              message: `has exactly one of absent, all, sequence${kinds.length > 1 ? ` (not ${kinds.join(' and ')})` : ''}`,
            });
          }
        })
        .optional(),
      /** At most one incident per incident key within this period (a flapping alert opens one). */
      onceWithin: duration.optional(),
      escalation: z
        .strictObject({
          route: z.string().min(1).default('oncall'),
          severity: severity.default('critical'),
          /** Further steps while the incident stays open, each `after` the previous one; resolving stops them. */
          steps: z.array(escalationStepSchema).default([]),
          /**
           * Diagnostic data collection on the first escalation: a `kubernetes.diagnostics` of the
           * involved pods (templates from the opening event), its result posted to the incident's
           * Slack thread, its ticket (a comment) and its timeline.
           */
          diagnostics: z
            .strictObject({
              namespace: template,
              pods: template,
              logLines: z.number().int().min(0).max(500).default(50),
              logBytes: z.number().int().min(256).max(65536).default(8192),
              maxPods: z.number().int().min(1).max(10).default(3),
            })
            .optional(),
        })
        .default({ route: 'oncall', severity: 'critical', steps: [] }),
    })
    .superRefine((spec, ctx) => {
      if (spec.incident && spec.notify) {
        ctx.addIssue({ code: 'custom', path: ['notify'], message: 'a sensor has either incident or notify, not both' });
      } else if (!spec.incident && !spec.notify) {
        ctx.addIssue({
          code: 'custom',
          path: ['incident'],
          message: 'is required (or notify, for messages without an incident)',
        });
      }
      if (spec.notify && spec.triggers.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['triggers'],
          message: 'a notify sensor has no triggers (they belong to an incident)',
        });
      }
      const absent = spec.condition?.absent;
      for (const field of ['after', 'missing'] as const) {
        if (absent && !spec.dependencies.some((d) => d.name === absent[field])) {
          ctx.addIssue({
            code: 'custom',
            path: ['condition', 'absent', field],
            message: `"${absent[field]}" is not a dependency of this sensor`,
          });
        }
      }
      checkCorrelation(spec, ctx);
      for (const field of ['aggregate', 'onceWithin', 'condition'] as const) {
        if (spec.notify && spec[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: 'works per incident key; a notify sensor has none' });
        }
      }
      if (spec.notify && spec.ticket) {
        ctx.addIssue({
          code: 'custom',
          path: ['ticket'],
          message: 'a notify sensor has no ticket (tickets belong to an incident)',
        });
      }
    }),
});

export type Sensor = z.output<typeof sensorSchema>;
export type SensorDependency = Sensor['spec']['dependencies'][number];
export type SensorTrigger = Sensor['spec']['triggers'][number];
export type SensorIncident = NonNullable<Sensor['spec']['incident']>;
export type SensorNotify = NonNullable<Sensor['spec']['notify']>;
export type SensorTicket = NonNullable<Sensor['spec']['ticket']>;
export type Severity = z.output<typeof severity>;
export type SensorCorrelation = z.output<typeof correlationSchema>;

/** Incident states the sensor writes; the notification contract's states. */
export const IncidentStatus = incidentStateSchema.enum;

function uniqueNames(items: readonly { name: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const [index, item] of items.entries()) {
    if (seen.has(item.name)) {
      ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${item.name}" is used twice` });
    }
    seen.add(item.name);
  }
}

function isClock(value: string): boolean {
  try {
    parseClock(value);
    return true;
  } catch {
    return false;
  }
}

function isRegex(value: string): boolean {
  return regexProblem({ input: value }) === undefined;
}

function regexProblem(issue: { input: unknown }): string | undefined {
  try {
    compileRegex(String(issue.input));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
