import { z } from 'zod';
import { parseDurationMs } from '@hub/config';
import { cronProblem, timeZone } from '@hub/scheduler/schedules';
import { compileCel } from '../expressions/cel.js';

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const duration = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a positive duration (like 30m, 2h, 1d)` });
    return z.NEVER;
  }
  return ms;
});

const instant = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 time like 2026-12-03T02:00:00Z' });

/** An Alertmanager-style matcher (its v2 API's shape): `isEqual: false` negates, `isRegex` anchors a RE2-ish regex. */
export const matcherSchema = z
  .strictObject({
    name: z.string().regex(LABEL_NAME, { error: 'must be a label name' }),
    value: z.string(),
    isRegex: z.boolean().default(false),
    isEqual: z.boolean().default(true),
  })
  .superRefine((m, ctx) => {
    if (!m.isRegex) return;
    try {
      new RegExp(`^(?:${m.value})$`);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `not a regular expression: ${(error as Error).message}`,
      });
    }
  });

/**
 * A silence or maintenance window as `POST /v1/silences` and `hub silences add` take it: what it
 * matches (label `matchers`, a CEL `expr` over the event, or one `incidentKey` — all that are given
 * must match) and when (`startsAt`..`endsAt`, `startsAt` + `duration`, or a `recurrence`: `duration`
 * from each slot of `cron` in `timezone`, as schedules read cron).
 */
export const silenceSpecSchema = z
  .strictObject({
    matchers: z.array(matcherSchema).default([]),
    expr: z
      .string()
      .min(1)
      .superRefine((source, ctx) => {
        try {
          compileCel(source);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
        }
      })
      .optional(),
    incidentKey: z.string().min(1).optional(),
    startsAt: instant.optional(),
    endsAt: instant.optional(),
    duration: duration.optional(),
    recurrence: z
      .strictObject({
        cron: z.string().superRefine((expression, ctx) => {
          const problem = cronProblem(expression);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
        duration,
        timezone: timeZone.default('UTC'),
      })
      .optional(),
    createdBy: z.string().min(1, { error: 'must say who silences' }),
    comment: z.string().default(''),
  })
  .superRefine((spec, ctx) => {
    if (spec.matchers.length === 0 && !spec.expr && !spec.incidentKey) {
      ctx.addIssue({ code: 'custom', path: ['matchers'], message: 'give matchers, an expr or an incidentKey' });
    }
    const ends = [spec.endsAt, spec.duration].filter((v) => v !== undefined).length;
    if (!spec.recurrence && ends !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['endsAt'],
        message: 'give exactly one of endsAt and duration (or a recurrence)',
      });
    }
    if (spec.recurrence && spec.duration !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'a recurring window takes recurrence.duration' });
    }
    if (spec.startsAt && spec.endsAt && Date.parse(spec.endsAt) <= Date.parse(spec.startsAt)) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
  });

export type SilenceSpec = z.output<typeof silenceSpecSchema>;
