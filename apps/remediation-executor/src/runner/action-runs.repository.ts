import { sql } from 'kysely';
import { type ActionRequested, redactSecrets } from '@hub/contracts';
import { type ActionRun, type Database } from '@hub/database';

/** `action_runs.status`. */
export type ActionRunStatus = 'running' | 'succeeded' | 'failed';

/** How a run ended, as recorded. */
export interface FinishedRun {
  readonly status: Exclude<ActionRunStatus, 'running'>;
  readonly attempts: number;
  readonly dryRun: boolean;
  readonly reason?: string;
  readonly details: Record<string, unknown>;
}

/**
 * The `action_runs` table: one row per action id, its idempotency key and its record, params and
 * details with secrets redacted (`redactSecrets`, the hub's one redactor).
 */
export class ActionRunsRepository {
  constructor(private readonly db: Database) {}

  async find(actionId: string): Promise<ActionRun | undefined> {
    return this.db.selectFrom('action_runs').selectAll().where('action_id', '=', actionId).executeTakeFirst();
  }

  /** Records that the run starts now (the caller holds the action id's lock). */
  async start(request: ActionRequested, incidentKey: string | undefined, dryRun: boolean): Promise<ActionRun> {
    await this.db
      .insertInto('action_runs')
      .values({
        action_id: request.actionId,
        kind: request.kind,
        target: request.target,
        // The record outlives the request (the timeline API, backups): no secret is stored.
        params: JSON.stringify(redactSecrets(request.params)),
        incident_key: incidentKey ?? null,
        status: 'running' satisfies ActionRunStatus,
        dry_run: dryRun,
        details: '{}',
      })
      .onConflict((oc) => oc.column('action_id').doNothing())
      .execute();
    return (await this.find(request.actionId))!;
  }

  async recordAttempt(actionId: string, attempts: number): Promise<void> {
    await this.db.updateTable('action_runs').set({ attempts }).where('action_id', '=', actionId).execute();
  }

  /** Records that the broker confirmed the run's result event. */
  async markPublished(actionId: string): Promise<void> {
    await this.db
      .updateTable('action_runs')
      .set({ result_published_at: sql<Date>`now()` })
      .where('action_id', '=', actionId)
      .execute();
  }

  /** Finished runs whose result the broker has not confirmed, finished more than `olderThanMs` ago. */
  async unpublished(olderThanMs: number, limit: number): Promise<ActionRun[]> {
    return this.db
      .selectFrom('action_runs')
      .selectAll()
      .where('result_published_at', 'is', null)
      .where('status', '<>', 'running')
      .where('finished_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
      .orderBy('finished_at')
      .limit(limit)
      .execute();
  }

  /** Records the outcome; the duration runs from the first start, in the database's clock. */
  async finish(actionId: string, run: FinishedRun): Promise<ActionRun> {
    return this.db
      .updateTable('action_runs')
      .set({
        status: run.status,
        attempts: run.attempts,
        dry_run: run.dryRun,
        reason: run.reason ?? null,
        details: JSON.stringify(redactSecrets(run.details)),
        finished_at: sql<Date>`now()`,
        duration_ms: sql<number>`round(extract(epoch FROM now() - started_at) * 1000)::int`,
      })
      .where('action_id', '=', actionId)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
