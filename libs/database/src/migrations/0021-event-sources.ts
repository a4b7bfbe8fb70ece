import { type Kysely, sql } from 'kysely';

/**
 * The event-sources service's shared state. `source_leases`: one row per source that must have one
 * active reader; the holder renews it, a replica takes it over once it expired, and `token` grows
 * with every new holder (writes are fenced by it). `watch_positions`: the last resourceVersion
 * each Kubernetes watch processed, to resume there. `watch_objects`: per watched object the last
 * resourceVersion handled and the state its predicates were in (crash-looping, not ready, …), so
 * a relist after 410 Gone or a new leader publishes nothing twice. `source_outbox`: events decided
 * in the same transaction as the position, published after commit, deleted on the broker's confirm.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('source_leases')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('token', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('acquired_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('watch_positions')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('watch', 'text', (c) => c.notNull())
    .addColumn('resource_version', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('watch_positions_pkey', ['source', 'watch'])
    .execute();
  await db.schema
    .createTable('watch_objects')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('watch', 'text', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('resource_version', 'text', (c) => c.notNull())
    .addColumn('state', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('watch_objects_pkey', ['source', 'watch', 'uid'])
    .execute();
  await db.schema
    .createTable('source_outbox')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX source_outbox_source ON source_outbox (source, seq)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['source_outbox', 'watch_objects', 'watch_positions', 'source_leases']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
