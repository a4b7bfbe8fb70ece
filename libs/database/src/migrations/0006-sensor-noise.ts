import { type Kysely, sql } from 'kysely';

/**
 * Noise control of the sensor (S9), shared by every replica and kept across restarts:
 * - `sensor_window_events`: the events counted in a sensor's sliding window, per incident key
 *   ("3 failures within 5 minutes for the same app"), at the event's time;
 * - `sensor_marks`: until when a key stays claimed, per sensor and scope — `dedup` (identical
 *   events) and `once` (at most one incident per key within a period); expired rows are swept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sensor_window_events')
    .addColumn('sensor', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('sensor_window_events_pk', ['sensor', 'key', 'event_id'])
    .execute();
  await sql`CREATE INDEX sensor_window_events_at ON sensor_window_events (sensor, key, at)`.execute(db);
  await db.schema
    .createTable('sensor_marks')
    .addColumn('sensor', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('until', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('sensor_marks_pk', ['sensor', 'scope', 'key'])
    .execute();
  await sql`CREATE INDEX sensor_marks_until ON sensor_marks (until)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sensor_marks').ifExists().execute();
  await db.schema.dropTable('sensor_window_events').ifExists().execute();
}
