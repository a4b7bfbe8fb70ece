import { type Database } from '@hub/database';

/** Where a schedule stands in the shared database. */
export interface SchedulePosition {
  /** The latest slot decided on (fired, skipped as missed, or excluded). */
  readonly lastSlot?: Date;
  /** The latest slot that fired, and when the broker confirmed it (undefined while unpublished). */
  readonly lastFired?: { slot: Date; publishedAt?: Date };
}

/** Every schedule's position, read from `schedule_state` and `schedule_slots` (for `hub schedules list`). */
export async function readSchedulePositions(db: Database): Promise<Map<string, SchedulePosition>> {
  const states = await db.selectFrom('schedule_state').select(['schedule', 'last_slot']).execute();
  const fired = await db
    .selectFrom('schedule_slots')
    .distinctOn('schedule')
    .select(['schedule', 'slot', 'published_at'])
    .orderBy('schedule')
    .orderBy('slot', 'desc')
    .execute();
  const positions = new Map<string, SchedulePosition>();
  for (const state of states) positions.set(state.schedule, state.last_slot ? { lastSlot: state.last_slot } : {});
  for (const row of fired) {
    positions.set(row.schedule, {
      ...positions.get(row.schedule),
      lastFired: { slot: row.slot, ...(row.published_at ? { publishedAt: row.published_at } : {}) },
    });
  }
  return positions;
}
