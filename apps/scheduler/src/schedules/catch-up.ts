import { type Schedule } from './schedule.js';

/** A slot to publish now; `catchUp` when it fired late, by the catch-up policy. */
export interface DueSlot {
  readonly slot: Date;
  readonly catchUp: boolean;
}

/** What one pass over a schedule decided. */
export interface SlotPlan {
  readonly fire: DueSlot[];
  /** Missed slots the catch-up policy dropped. */
  readonly missed: number;
  /** Slots on exclusion dates. */
  readonly excluded: number;
  /** The latest slot decided on (fired, missed or excluded): the new recorded position. */
  readonly last?: Date;
}

/** Most slots one pass walks through (a per-second schedule down for 11 days); the rest waits for the next pass. */
const MAX_SLOTS_PER_PASS = 1_000_000;

/**
 * Decides which slots after `since` (exclusive) are due at `now`. A slot is due once
 * `dueAt(slot) <= now`; it is **on time** when it is due by at most `missedAfterMs`, else it was
 * **missed** (no scheduler ran) and the schedule's catch-up policy applies: `skip` drops them,
 * `last` fires the latest missed one, `all` fires the latest `max` of them (oldest first).
 * Pure: the clock is an argument, so DST and downtime are tested without waiting.
 */
export function planSlots(schedule: Schedule, since: Date, now: Date, missedAfterMs: number): SlotPlan {
  const nowMs = now.getTime();
  const keep = schedule.catchUp.policy === 'skip' ? 0 : schedule.catchUp.policy === 'last' ? 1 : schedule.catchUp.max;
  const missed: Date[] = [];
  const onTime: Date[] = [];
  let missedCount = 0;
  let excluded = 0;
  let last: Date | undefined;
  let cursor = since;
  for (let walked = 0; walked < MAX_SLOTS_PER_PASS; walked++) {
    const slot = schedule.nextSlot(cursor);
    if (!slot || slot.getTime() > nowMs) break;
    const due = schedule.dueAt(slot);
    if (due > nowMs) break;
    cursor = slot;
    last = slot;
    if (schedule.isExcluded(slot)) {
      excluded++;
    } else if (nowMs - due <= missedAfterMs) {
      onTime.push(slot);
    } else {
      missedCount++;
      missed.push(slot);
      if (missed.length > keep) missed.shift();
    }
  }
  const fire: DueSlot[] = [
    ...missed.map((slot) => ({ slot, catchUp: true })),
    ...onTime.map((slot) => ({ slot, catchUp: false })),
  ];
  return { fire, missed: missedCount - missed.length, excluded, ...(last ? { last } : {}) };
}
