import { type Kysely, sql } from 'kysely';

/**
 * Partial matches of the sensor's correlation conditions (`condition.all`, `condition.sequence`):
 * which dependency of a sensor was seen for a correlation key, at which event time. Written under
 * the key's advisory lock in the consuming event's transaction, deleted when the condition
 * completes; `expires_at` (the event's time + `within`) lets the sweeper drop abandoned ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sensor_condition_matches')
    .addColumn('sensor', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('dependency', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('sensor_condition_matches_pk', ['sensor', 'key', 'dependency'])
    .execute();
  await sql`CREATE INDEX sensor_condition_matches_expires ON sensor_condition_matches (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sensor_condition_matches').ifExists().execute();
}
