import { sql } from 'kysely';
import { type HubEvent } from '@hub/contracts';
import { type Database } from '@hub/database';
import { publishInOrder } from '@hub/service';
import { type SlotPlan } from '../schedules/catch-up.js';

/** A slot this replica claimed: its event is this replica's to publish. */
export interface ClaimedSlot {
  readonly schedule: string;
  readonly slot: Date;
  readonly catchUp: boolean;
  readonly event: HubEvent;
}

/** What `claim` decided: the slots this replica claimed and the schedule's new position. */
export interface ClaimResult {
  readonly claimed: ClaimedSlot[];
  readonly plan: SlotPlan;
  /** The last decided slot after this pass (or when the schedule was first seen, if none yet). */
  readonly position: Date;
}

/** The slots table and each schedule's position, in PostgreSQL (shared by every replica). */
export class SlotRepository {
  constructor(private readonly db: Database) {}

  /**
   * One transaction per schedule and pass: locks the schedule's state row (so replicas take turns),
   * lets `decide` plan the slots after the recorded position, inserts the slots to fire
   * (`ON CONFLICT DO NOTHING`: the primary key is the claim, a backstop to the lock) and moves the
   * position. Only slots whose insert succeeded come back, so each slot is this replica's or no one's.
   * A schedule seen for the first time starts at `now`: nothing before it is owed.
   */
  claim(
    schedule: string,
    claimedBy: string,
    now: Date,
    decide: (since: Date) => { plan: SlotPlan; events: Map<number, HubEvent> },
  ): Promise<ClaimResult> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('schedule_state')
        .values({ schedule, created_at: now })
        .onConflict((c) => c.doNothing())
        .execute();
      const state = await trx
        .selectFrom('schedule_state')
        .select(['last_slot', 'created_at'])
        .where('schedule', '=', schedule)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const since = state.last_slot ?? state.created_at;
      const { plan, events } = decide(since);
      let claimed: ClaimedSlot[] = [];
      if (plan.fire.length > 0) {
        const inserted = await trx
          .insertInto('schedule_slots')
          .values(
            plan.fire.map((due) => {
              const event = events.get(due.slot.getTime())!;
              return {
                schedule,
                slot: due.slot,
                event_id: event.id,
                event: JSON.stringify(event),
                catch_up: due.catchUp,
                claimed_by: claimedBy,
              };
            }),
          )
          .onConflict((c) => c.columns(['schedule', 'slot']).doNothing())
          .returning(['slot', 'catch_up', 'event'])
          .execute();
        claimed = inserted
          .map((row) => ({ schedule, slot: row.slot, catchUp: row.catch_up, event: row.event as unknown as HubEvent }))
          .sort((a, b) => a.slot.getTime() - b.slot.getTime());
      }
      if (plan.last) {
        await trx
          .updateTable('schedule_state')
          .set({ last_slot: plan.last, updated_at: sql<Date>`now()` })
          .where('schedule', '=', schedule)
          .execute();
      }
      return { claimed, plan, position: plan.last ?? since };
    });
  }

  async markPublished(schedule: string, slot: Date): Promise<void> {
    await this.db
      .updateTable('schedule_slots')
      .set({ published_at: sql<Date>`now()` })
      .where('schedule', '=', schedule)
      .where('slot', '=', slot)
      .execute();
  }

  /**
   * Publishes slots claimed more than `olderThanMs` ago whose publish the broker never confirmed
   * (the claiming replica died or lost the broker): each row is locked while `publish` runs
   * (`SKIP LOCKED`, so replicas share the work) and marked once confirmed.
   */
  async relay(olderThanMs: number, limit: number, publish: (event: HubEvent) => Promise<void>): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('schedule_slots')
        .select(['schedule', 'slot', 'event'])
        .where('published_at', 'is', null)
        .where('claimed_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1_000})`)
        .orderBy('claimed_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      // The broker away: what was confirmed so far is marked, the rest waits for the next pass.
      const { published } = await publishInOrder(
        rows,
        (row) => publish(row.event as unknown as HubEvent),
        async (row) => {
          await trx
            .updateTable('schedule_slots')
            .set({ published_at: sql<Date>`now()` })
            .where('schedule', '=', row.schedule)
            .where('slot', '=', row.slot)
            .execute();
        },
      );
      return published;
    });
  }

  /** Deletes published slots older than `retentionMs` (the position lives in `schedule_state`). */
  async prune(retentionMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('schedule_slots')
      .where('published_at', 'is not', null)
      .where('slot', '<', new Date(Date.now() - retentionMs))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async reachable(): Promise<boolean> {
    try {
      await sql`SELECT 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }
}
