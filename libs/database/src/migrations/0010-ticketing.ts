import { type Kysely, sql } from 'kysely';

/**
 * The ticketing service's fingerprint → ticket map (`tickets`). A row is written as a claim
 * (`status = 'creating'`, no key) before the vendor is asked to create the ticket, so a redelivery
 * or a second replica finds the claim instead of creating a second ticket; the partial unique index
 * keeps one active ticket per provider and fingerprint whatever the callers do.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tickets')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ticket_key', 'text')
    .addColumn('display_key', 'text')
    .addColumn('url', 'text')
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('incident_key', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('last_event_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .execute();
  await sql`CREATE UNIQUE INDEX tickets_active ON tickets (provider, fingerprint)
            WHERE status IN ('creating', 'open')`.execute(db);
  await db.schema.createIndex('tickets_fingerprint').on('tickets').columns(['provider', 'fingerprint', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tickets').ifExists().execute();
}
