import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import { type CatchUpPolicy, type ScheduleDocument } from './schedule.schema.js';
import { localDateOf } from './zoned-time.js';

/** How a schedule's slots are generated. */
export type Trigger = { kind: 'cron'; expression: string } | { kind: 'interval'; everyMs: number };

/**
 * A loaded schedule and its calendar. A **slot** is the instant a run is scheduled for; it names
 * the run (event id, incident key) on every replica. Cron slots follow croner in the schedule's
 * time zone, with the DST rule of RFC 5545 (and Temporal's `compatible`): a wall-clock time
 * that does not exist (spring forward) runs at the same time shifted by the gap (02:30 → 03:30),
 * a wall-clock time that happens twice (fall back) runs once, at its first occurrence.
 */
export class Schedule {
  readonly trigger: Trigger;
  private readonly cron?: Cron;
  private readonly excluded: ReadonlySet<string>;

  constructor(
    readonly document: ScheduleDocument,
    /** The file it came from (for `hub schedules list` and messages). */
    readonly file: string,
  ) {
    const { spec } = document;
    this.trigger =
      spec.cron !== undefined ? { kind: 'cron', expression: spec.cron } : { kind: 'interval', everyMs: spec.interval! };
    if (this.trigger.kind === 'cron') {
      this.cron = new Cron(this.trigger.expression, { timezone: spec.timezone, paused: true });
    }
    this.excluded = new Set(spec.exclusionDates);
  }

  get name(): string {
    return this.document.metadata.name;
  }

  get timezone(): string {
    return this.document.spec.timezone;
  }

  get jitterMs(): number {
    return this.document.spec.jitter;
  }

  get catchUp(): { policy: CatchUpPolicy; max: number } {
    return this.document.spec.catchUp;
  }

  get payload(): Record<string, unknown> {
    return this.document.spec.payload;
  }

  /** `cron 0 2 * * * (Europe/Berlin)` or `every 30000 ms`, for listings. */
  get describe(): string {
    return this.trigger.kind === 'cron'
      ? `cron ${this.trigger.expression} (${this.timezone})`
      : `every ${this.trigger.everyMs / 1_000}s`;
  }

  /** Whether the slot's local day (in the schedule's zone) is an exclusion date. */
  isExcluded(slot: Date): boolean {
    return this.excluded.size > 0 && this.excluded.has(localDateOf(slot, this.timezone));
  }

  /** The first slot strictly after `after`, exclusion dates included (callers skip those). */
  nextSlot(after: Date): Date | undefined {
    if (this.trigger.kind === 'interval') {
      const every = this.trigger.everyMs;
      return new Date((Math.floor(after.getTime() / every) + 1) * every);
    }
    return this.cron!.nextRun(after) ?? undefined;
  }

  /** The next `count` slots after `after` that are not excluded. */
  upcoming(after: Date, count: number): Date[] {
    const slots: Date[] = [];
    let cursor: Date | undefined = after;
    for (let guard = 0; slots.length < count && guard < 10_000; guard++) {
      cursor = cursor && this.nextSlot(cursor);
      if (!cursor) break;
      if (!this.isExcluded(cursor)) slots.push(cursor);
    }
    return slots;
  }

  /**
   * When the slot is published: the slot plus a jitter in [0, jitter) derived from the name and
   * the slot, so every replica computes the same instant and the spread is stable across restarts.
   */
  dueAt(slot: Date): number {
    if (this.jitterMs <= 0) return slot.getTime();
    const hash = createHash('sha1').update(`${this.name}@${slot.toISOString()}`).digest();
    return slot.getTime() + Math.floor((hash.readUInt32BE(0) / 0x1_0000_0000) * this.jitterMs);
  }
}
