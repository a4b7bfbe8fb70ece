import { type Kysely, sql } from 'kysely';

/**
 * The delivery ids the gateway's push sources have published (GitHub `X-GitHub-Delivery`, GitLab
 * `X-Gitlab-Event-UUID`, an SNS `MessageId`, a Pub/Sub `messageId`, …), keyed by source and
 * delivery id, so a delivery replayed within the window is answered without being published again
 * — by whichever gateway replica receives it. Rows older than the window are pruned by the gateway.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('event_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('webhook_deliveries_pkey', ['source', 'delivery_id'])
    .execute();
  await sql`CREATE INDEX webhook_deliveries_seen_at ON webhook_deliveries (seen_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
}
