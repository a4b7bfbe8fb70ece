import { InvalidExpressionError } from './expression.errors.js';
import { type EventMatcher } from './filter.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `time:` of a filter: days of the week and a time of day range, in a named IANA time zone. */
export interface TimeWindowSpec {
  readonly zone: string;
  readonly days: readonly Weekday[];
  /** `HH:MM`, inclusive. */
  readonly from: string;
  /** `HH:MM`, exclusive; `24:00` is the end of the day; earlier than `from` spans midnight. */
  readonly to: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Minutes since midnight of `HH:MM`; throws for anything else. */
export function parseClock(text: string): number {
  if (!HHMM.test(text)) throw new InvalidExpressionError(`"${text}" is not a time of day (HH:MM)`, { time: text });
  const [hours, minutes] = text.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

/** Throws unless `zone` is an IANA time zone this Node knows (`Europe/Berlin`, `UTC`). */
export function checkZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw new InvalidExpressionError(`"${zone}" is not a time zone (use an IANA name such as Europe/Berlin)`, { zone });
  }
}

/**
 * Matches events whose time (`time`, else now) falls on one of `days` between `from` and `to`
 * in `zone` — "active hours": page only during office hours, act only at night. The event's own
 * time is used so a dry run or a replay of recorded events decides as live handling did.
 */
export function compileTimeWindow(spec: TimeWindowSpec): EventMatcher {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: checkZone(spec.zone),
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const from = parseClock(spec.from);
  const to = parseClock(spec.to);
  const days = new Set<string>(spec.days);
  const inRange = (minute: number) => (from <= to ? minute >= from && minute < to : minute >= from || minute < to);
  return {
    matches(event) {
      const time = (event as { time?: unknown } | null)?.time;
      const at = typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? new Date(time) : new Date();
      const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
      const day = (parts.weekday ?? '').toLowerCase().slice(0, 3);
      const minute = Number(parts.hour) * 60 + Number(parts.minute);
      // A window spanning midnight belongs to the day it starts on.
      const startDay = from > to && minute < to ? WEEKDAYS[(WEEKDAYS.indexOf(day as Weekday) + 6) % 7] : day;
      return days.has(startDay ?? '') && inRange(minute);
    },
    describe: () => `time ${spec.days.join(',')} ${spec.from}-${spec.to} ${spec.zone}`,
  };
}
