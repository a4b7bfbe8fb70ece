import { type Kysely } from 'kysely';

/**
 * `tickets.incident_id`: the incident (not the fingerprint, which recurs) a row belongs to. A
 * `resolve` handled before its incident's `open` (two replicas, a retry tier) leaves a
 * `preresolved` row with it, and the late `open` then finds the incident over and creates nothing.
 * Additive: rows written before have none, and a `preresolved` row is never active, so the
 * one-active-ticket index is untouched.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tickets').addColumn('incident_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tickets').dropColumn('incident_id').execute();
}
