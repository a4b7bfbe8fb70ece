import { type Kysely, sql } from 'kysely';

/**
 * Events are identified by `source` + `id` (CloudEvents): the event log's primary key becomes the
 * pair, so two sources that number events alike are both logged. Every row has its source already
 * (a NOT NULL column since 0007), so the rows there stay valid under the wider key.
 *
 * `hub_processed_events` and `sensor_outbox.source_event_id` keep their columns: they now hold
 * `eventIdentity(event)` (source + id as one string). Markers written before hold a bare id — an
 * unknown source — and simply age out with `prune`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE event_log DROP CONSTRAINT event_log_pkey`.execute(db);
  await sql`ALTER TABLE event_log ADD CONSTRAINT event_log_pkey PRIMARY KEY (source, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE event_log DROP CONSTRAINT event_log_pkey`.execute(db);
  await sql`ALTER TABLE event_log ADD CONSTRAINT event_log_pkey PRIMARY KEY (id)`.execute(db);
}
