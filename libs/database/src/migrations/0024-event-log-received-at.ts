import { type Kysely, sql } from 'kysely';

/**
 * The event log by the time the hub received each event (`received_at`, set by the database when
 * the sensor records it): `GET /v1/events` pages newest first on it and retention deletes by it,
 * so a sender's wrong or forged `time` neither hides an event nor keeps it forever.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX event_log_received_at ON event_log (received_at, source, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS event_log_received_at`.execute(db);
}
