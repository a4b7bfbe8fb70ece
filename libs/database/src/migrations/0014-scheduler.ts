import { type Kysely, sql } from 'kysely';

/**
 * The scheduler's shared state. `schedule_state` holds each schedule's last decided slot (its row
 * lock serialises replicas per schedule); `schedule_slots` has one row per fired slot — the
 * primary key makes a second claim of a slot impossible — with the event to publish and when the
 * broker confirmed it, so a slot claimed by a replica that died before publishing is relayed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('schedule_state')
    .addColumn('schedule', 'text', (c) => c.primaryKey())
    .addColumn('last_slot', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('schedule_slots')
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('slot', 'timestamptz', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .addColumn('catch_up', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_at', 'timestamptz')
    .addPrimaryKeyConstraint('schedule_slots_pkey', ['schedule', 'slot'])
    .execute();
  await sql`CREATE INDEX schedule_slots_unpublished ON schedule_slots (claimed_at) WHERE published_at IS NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('schedule_slots').ifExists().execute();
  await db.schema.dropTable('schedule_state').ifExists().execute();
}
