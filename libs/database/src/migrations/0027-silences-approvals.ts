import { type Kysely, sql } from 'kysely';

/**
 * People in the loop (issue 17). `silences`: maintenance windows and silences — label matchers
 * and/or a CEL expression, for a time range or a recurring window (cron + duration in a time zone),
 * or until an incident resolves; created by the gateway (`POST /v1/silences`, the CLI) or the sensor
 * (a Slack click). `approvals`: a remediation waiting for a person, with the action request it will
 * publish; decided once by a conditional update of `state`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('silences')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('matchers', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('expr', 'text')
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz')
    /** `{cron, durationMs, timezone}`: active for `durationMs` from each cron slot. */
    .addColumn('recurrence', 'jsonb')
    /** Silences one incident (its key); with `until_resolved`, until that incident resolves. */
    .addColumn('incident_key', 'text')
    .addColumn('incident_id', 'uuid')
    .addColumn('until_resolved', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expired_at', 'timestamptz')
    .addColumn('suppressed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_suppressed_at', 'timestamptz')
    .addColumn('alertmanager_id', 'text')
    .execute();
  await sql`CREATE INDEX silences_live ON silences (starts_at) WHERE expired_at IS NULL`.execute(db);
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'uuid', (c) => c.notNull())
    .addColumn('incident_key', 'text', (c) => c.notNull())
    .addColumn('sensor', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('approvers', 'text', (c) => c.notNull())
    /** waiting → approved | denied | timed-out (exactly one transition, `WHERE state = 'waiting'`). */
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('waiting'))
    .addColumn('on_timeout', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull())
    /** The `action.requested.<kind>` envelope published when approved. */
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('timeout_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'text')
    .addColumn('reason', 'text')
    .execute();
  await sql`CREATE INDEX approvals_waiting ON approvals (timeout_at) WHERE state = 'waiting'`.execute(db);
  await sql`CREATE INDEX approvals_incident ON approvals (incident_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('approvals').ifExists().execute();
  await db.schema.dropTable('silences').ifExists().execute();
}
