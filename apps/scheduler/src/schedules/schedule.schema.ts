import { Cron } from 'croner';
import { z } from 'zod';
import { parseDurationMs } from '@hub/config';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** What to do with slots that passed while no scheduler ran (see docs/scheduler.md). */
export const CATCH_UP_POLICIES = ['skip', 'last', 'all'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

const duration = (what: string) =>
  z.string({ error: `must be a duration like 30s, 10m, 2h (${what})` }).transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (like 30s, 10m, 2h, 1h30m; ${what})` });
      return z.NEVER;
    }
    return ms;
  });

/** A named IANA zone the runtime knows (`Europe/Berlin`, `UTC`); fixed offsets are refused on purpose. */
/** An IANA time zone name this Node knows (schedules, recurring silences). */
export const timeZone = z.string().refine(
  (zone) => {
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be a named IANA time zone such as Europe/Berlin or UTC' },
);

const localDate = z.string().refine(
  (text) => {
    const match = LOCAL_DATE.exec(text);
    if (!match) return false;
    const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    return date.toISOString().startsWith(text);
  },
  { error: 'must be a calendar date YYYY-MM-DD (a day in the schedule time zone)' },
);

const specSchema = z
  .strictObject({
    /** 5 fields (minute …) or 6 (second minute …), or a nickname such as @daily. */
    cron: z
      .string()
      .trim()
      .min(1)
      .superRefine((expression, ctx) => {
        const problem = cronProblem(expression);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    /** A fixed period instead of cron (`30s`, `15m`), counted from the Unix epoch so replicas agree. */
    interval: duration('at least 1s').optional(),
    timezone: timeZone.default('UTC'),
    /** Days on which no slot fires (local dates in `timezone`). */
    exclusionDates: z.array(localDate).default([]),
    /** Spreads the publish over [slot, slot + jitter) — the same offset on every replica. */
    jitter: duration('less than the period').default(0),
    catchUp: z
      .strictObject({
        policy: z.enum(CATCH_UP_POLICIES).default('skip'),
        /** With `all`: at most this many missed slots fire (the latest ones). */
        max: z.number().int().positive().max(1_000).default(10),
      })
      .default({ policy: 'skip', max: 10 }),
    /** Copied into the event's `data.params`. */
    payload: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((spec, ctx) => {
    if ((spec.cron === undefined) === (spec.interval === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'needs exactly one of cron or interval' });
    }
    if (spec.interval !== undefined && spec.interval < 1_000) {
      ctx.addIssue({ code: 'custom', path: ['interval'], message: 'must be at least 1s' });
    }
    if (spec.interval !== undefined && spec.jitter >= spec.interval) {
      ctx.addIssue({ code: 'custom', path: ['jitter'], message: 'must be shorter than the interval' });
    }
  });

/** One `Schedule` document of `$HUB_CONFIG_DIR/schedules/*.yaml`. */
export const scheduleDocumentSchema = z.strictObject({
  apiVersion: z.literal('hub/v1', { error: 'must be hub/v1' }),
  kind: z.literal('Schedule', { error: 'must be Schedule' }),
  metadata: z.strictObject({
    name: z.string().regex(DNS_LABEL, { error: 'must be a DNS label (lower-case letters, digits, -)' }),
    description: z.string().optional(),
  }),
  spec: specSchema,
});

export type ScheduleDocument = z.output<typeof scheduleDocumentSchema>;

/** Why a cron expression is unusable, or undefined when croner takes it with 5 or 6 fields (schedules, recurring silences). */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.split(/\s+/).length;
  if (!NICKNAMES.has(expression) && fields !== 5 && fields !== 6) {
    return `"${expression}" has ${fields} fields; use 5 (minute hour day month weekday) or 6 (second first)`;
  }
  try {
    new Cron(expression, { paused: true });
    return undefined;
  } catch (error) {
    return `"${expression}" is not a cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}
