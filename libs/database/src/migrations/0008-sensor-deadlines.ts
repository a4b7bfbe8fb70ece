import { type Kysely, sql } from 'kysely';

/**
 * Deadlines of absence conditions ("backup started but not finished within 2 h"): armed by the
 * first event, disarmed by the second, and — when due — swept by the sensor, which then opens the
 * incident from the stored first event.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sensor_deadlines')
    .addColumn('sensor', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('sensor_deadlines_pk', ['sensor', 'key'])
    .execute();
  await sql`CREATE INDEX sensor_deadlines_due ON sensor_deadlines (due_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sensor_deadlines').ifExists().execute();
}
