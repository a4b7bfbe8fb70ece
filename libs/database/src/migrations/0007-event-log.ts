import { type Kysely, sql } from 'kysely';

/**
 * The event log: every event the sensor consumes, with its envelope as JSONB, for `GET /v1/events`,
 * `hub events` and `hub replay`. Indexed by type, time and correlation key (the envelope's
 * `incidentkey`, else its subject); rows older than the retention are swept by the sensor.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('event_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('key', 'text')
    .addColumn('time', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX event_log_type_time ON event_log (type, time)`.execute(db);
  await sql`CREATE INDEX event_log_key_time ON event_log (key, time)`.execute(db);
  await sql`CREATE INDEX event_log_time ON event_log (time)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('event_log').ifExists().execute();
}
