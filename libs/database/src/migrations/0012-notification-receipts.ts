import { type Kysely, sql } from 'kysely';

/**
 * Delivery receipts of the notifier: which message went where, when, and with what id (Slack
 * channel id + ts, Teams webhook status, outbox file). The incident timeline API
 * (`GET /v1/incidents/{key}`) reads them, and an operator answers "did on-call get paged?" from them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notification_receipts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('incident_key', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('team', 'text')
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('conversation', 'text')
    .addColumn('message_ts', 'text')
    .addColumn('http_status', 'integer')
    .addColumn('state', 'text')
    .addColumn('sequence', 'integer')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('notification_receipts_incident')
    .on('notification_receipts')
    .columns(['incident_key', 'sent_at'])
    .execute();
  await db.schema.createIndex('notification_receipts_event').on('notification_receipts').column('event_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_receipts').ifExists().execute();
}
