import { Cron } from 'croner';
import { type HubEvent } from '@hub/contracts';
import { type SilenceMatcher, type SilenceRow } from '@hub/database';
import { compileCel } from '../expressions/cel.js';
import { type SilenceSpec } from './silence.schema.js';

/** What a silence is asked about: the event, its incident key and the labels it carries (an alert's `data.labels`). */
export interface SilenceTarget {
  readonly event: HubEvent;
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A stored silence, compiled: whether it is in force at an instant, and whether it covers a target. */
export class Silence {
  private readonly expr?: ReturnType<typeof compileCel>;
  private readonly cron?: Cron;

  constructor(readonly row: SilenceRow) {
    if (row.expr) this.expr = compileCel(row.expr);
    if (row.recurrence) this.cron = new Cron(row.recurrence.cron, { timezone: row.recurrence.timezone, paused: true });
  }

  get id(): string {
    return this.row.id;
  }

  /** In its range (and, recurring, inside one of its windows: a cron slot within the last `durationMs`). */
  activeAt(now: Date): boolean {
    const { row } = this;
    if (row.expired_at && row.expired_at <= now) return false;
    if (row.starts_at > now || (row.ends_at && row.ends_at <= now)) return false;
    if (!this.cron || !row.recurrence) return true;
    const slot = this.cron.nextRun(new Date(now.getTime() - row.recurrence.durationMs));
    return slot !== null && slot <= now;
  }

  /** Every part the silence has must match: the incident key, each label matcher, the CEL expression. */
  covers(target: SilenceTarget): boolean {
    const { row } = this;
    if (row.incident_key && row.incident_key !== target.key) return false;
    if (!row.matchers.every((m) => matches(m, target.labels[m.name] ?? ''))) return false;
    return !this.expr || this.expr.matches(target.event);
  }
}

function matches(matcher: SilenceMatcher, value: string): boolean {
  const equal = matcher.isRegex ? new RegExp(`^(?:${matcher.value})$`).test(value) : value === matcher.value;
  return equal === matcher.isEqual;
}

/** The row of a new silence (the gateway's `POST /v1/silences`, the sensor's Slack "silence"). */
export function silenceValues(
  id: string,
  spec: SilenceSpec & { readonly incidentId?: string; readonly untilResolved?: boolean },
  now: Date,
) {
  const startsAt = spec.startsAt ? new Date(spec.startsAt) : now;
  const endsAt = spec.endsAt
    ? new Date(spec.endsAt)
    : spec.duration !== undefined
      ? new Date(startsAt.getTime() + spec.duration)
      : null;
  return {
    id,
    matchers: JSON.stringify(spec.matchers),
    expr: spec.expr ?? null,
    starts_at: startsAt,
    ends_at: endsAt,
    recurrence: spec.recurrence
      ? JSON.stringify({
          cron: spec.recurrence.cron,
          durationMs: spec.recurrence.duration,
          timezone: spec.recurrence.timezone,
        })
      : null,
    incident_key: spec.incidentKey ?? null,
    incident_id: spec.incidentId ?? null,
    until_resolved: spec.untilResolved ?? false,
    created_by: spec.createdBy,
    comment: spec.comment,
    created_at: now,
  };
}

/** A silence as the API and the CLI show it; `incidentResolved`: the incident an until-resolved silence was for is over. */
export function silenceView(row: SilenceRow, now = new Date(), incidentResolved = false) {
  const silence = new Silence(row);
  const over = (row.expired_at && row.expired_at <= now) || (row.ends_at && row.ends_at <= now) || incidentResolved;
  return {
    id: row.id,
    matchers: row.matchers,
    ...(row.expr ? { expr: row.expr } : {}),
    ...(row.incident_key ? { incidentKey: row.incident_key } : {}),
    startsAt: row.starts_at.toISOString(),
    ...(row.ends_at ? { endsAt: row.ends_at.toISOString() } : {}),
    ...(row.recurrence ? { recurrence: row.recurrence } : {}),
    ...(row.until_resolved ? { untilResolved: true } : {}),
    createdBy: row.created_by,
    comment: row.comment,
    state: over ? 'expired' : silence.activeAt(now) ? 'active' : 'pending',
    suppressed: row.suppressed,
    ...(row.last_suppressed_at ? { lastSuppressedAt: row.last_suppressed_at.toISOString() } : {}),
  };
}

export type SilenceView = ReturnType<typeof silenceView>;
