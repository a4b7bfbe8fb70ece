import { type Kysely, sql } from 'kysely';

/**
 * S3 provisioning requests and the steps of their plans. The gateway inserts a request (and
 * finds it again by `Idempotency-Key`, or by app and team while it is open); the executor owns
 * its status and one row per step, so a plan resumes where it stopped after a crash and the
 * status API shows every step.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('provisioning_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('app_name', 'text', (c) => c.notNull())
    .addColumn('owner_team', 'text', (c) => c.notNull())
    .addColumn('repository_url', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text')
    .addColumn('environment', 'text')
    .addColumn('quota', 'jsonb')
    .addColumn('status', 'text', (c) => c.notNull())
    /** `plan` while steps run forward, `compensate` once a step failed for good. */
    .addColumn('phase', 'text', (c) => c.notNull().defaultTo('plan'))
    .addColumn('reasons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('trace_id', 'text')
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz')
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await sql`CREATE UNIQUE INDEX provisioning_requests_idempotency
    ON provisioning_requests (source, idempotency_key) WHERE idempotency_key IS NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX provisioning_requests_open
    ON provisioning_requests (app_name, owner_team) WHERE status IN ('accepted', 'running')`.execute(db);
  await sql`CREATE INDEX provisioning_requests_created ON provisioning_requests (created_at DESC)`.execute(db);
  await db.schema
    .createTable('provisioning_steps')
    .addColumn('request_id', 'text', (c) => c.notNull().references('provisioning_requests.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('compensation_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addColumn('compensated_at', 'timestamptz')
    .addPrimaryKeyConstraint('provisioning_steps_pkey', ['request_id', 'name'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('provisioning_steps').ifExists().execute();
  await db.schema.dropTable('provisioning_requests').ifExists().execute();
}
