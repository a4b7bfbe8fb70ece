import { type Kysely, sql } from 'kysely';

/**
 * When the broker confirmed an action's result (`action.succeeded` / `action.failed`): finished
 * runs without it are republished by the executor's relay, so a result is never lost to a broker
 * outage longer than the retry tiers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('action_runs').addColumn('result_published_at', 'timestamptz').execute();
  await sql`CREATE INDEX action_runs_unpublished ON action_runs (finished_at)
            WHERE result_published_at IS NULL AND status <> 'running'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('action_runs_unpublished').ifExists().execute();
  await db.schema.alterTable('action_runs').dropColumn('result_published_at').execute();
}
