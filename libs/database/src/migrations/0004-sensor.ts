import { type Kysely, sql } from 'kysely';

/**
 * The sensor's additions: what an incident's notifications need after the alert that opened it is
 * gone (`incidents.context`), look-ups by key (cooldown across incidents) and by action id, and
 * `sensor_outbox`, the events a committed state change still has to publish.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('incidents')
    .addColumn('context', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('incidents_key').on('incidents').columns(['key', 'opened_at']).execute();
  await db.schema.createIndex('incidents_action_id').on('incidents').column('action_id').execute();

  await db.schema
    .createTable('sensor_outbox')
    .addColumn('position', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('source_event_id', 'text', (c) => c.notNull())
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sensor_outbox_source').on('sensor_outbox').column('source_event_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sensor_outbox').ifExists().execute();
  await db.schema.dropIndex('incidents_action_id').ifExists().execute();
  await db.schema.dropIndex('incidents_key').ifExists().execute();
  await db.schema.alterTable('incidents').dropColumn('context').execute();
}
