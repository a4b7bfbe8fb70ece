import { sql } from 'kysely';
import { type ActionRequested, redactSecrets } from '@hub/contracts';
import { type ActionRun, type Database } from '@hub/database';
import { LockSpace } from './advisory-lock.js';

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

/** A pooled handle or one connection of it (the run's lock session). */
type Executor = Database;

/** What `claim` found. */
export interface RunClaim {
  /** The target's lock is now held by the session (and must be let go of). */
  readonly locked: boolean;
  /** The session owns the run: it inserted the row or took over one whose replica died. */
  readonly claimed: boolean;
  /** The claimed row was left `running` by an earlier run (which died or was stopped). */
  readonly resumed: boolean;
  /** The claimed row, or the one recorded (finished: a replay; running: another replica runs it). */
  readonly run?: ActionRun;
}

type ClaimRow = { locked: boolean; claimed: boolean; resumed: boolean } & Omit<ActionRun, 'action_id'> & {
    action_id: string | null;
  };

/**
 * The `action_runs` table: one row per action id, its idempotency key and its record, params and
 * details with secrets redacted (`redactSecrets`, the hub's one redactor).
 */
export class ActionRunsRepository {
  constructor(private readonly db: Database) {}

  async find(actionId: string, db: Executor = this.db): Promise<ActionRun | undefined> {
    return db.selectFrom('action_runs').selectAll().where('action_id', '=', actionId).executeTakeFirst();
  }

  /**
   * One statement that decides who runs `request`, on `session` (the connection that then holds the
   * target's session lock for the whole run). A finished row is returned as is (a replay; no lock
   * taken). Otherwise it tries the `kind:target` lock; holding it, it inserts the row (`running`,
   * `attempts` = `firstAttempts`), or — a row left `running` by a replica that died, since every
   * live run holds its target's lock — takes that row over, counting `firstAttempts` on.
   *
   * The takeover re-checks `status = 'running'` on the row's latest version (ON CONFLICT locks it
   * first), so a run finishing in the same instant is never run again: the claim then comes back
   * `locked` but not `claimed`, and the caller lets the lock go and looks again.
   */
  async claim(
    session: Executor,
    request: ActionRequested,
    incidentKey: string | undefined,
    dryRun: boolean,
    firstAttempts: number,
  ): Promise<RunClaim> {
    const { rows } = await sql<ClaimRow>`
      WITH recorded AS MATERIALIZED (
        SELECT * FROM action_runs WHERE action_id = ${request.actionId}
      ),
      target_lock AS MATERIALIZED (
        SELECT pg_try_advisory_lock(${LockSpace.target}::int, hashtext(current_schema() || ':' || ${targetLockKey(request)})) AS held
        WHERE NOT EXISTS (SELECT 1 FROM recorded WHERE status <> 'running')
      ),
      claimed AS (
        INSERT INTO action_runs (action_id, kind, target, params, incident_key, status, dry_run, details, attempts)
        SELECT ${request.actionId}::text, ${request.kind}::text, ${request.target}::text,
               -- The record outlives the request (the timeline API, backups): no secret is stored.
               ${JSON.stringify(redactSecrets(request.params))}::jsonb, ${incidentKey ?? null}::text, 'running',
               ${dryRun}::boolean, '{}'::jsonb, ${firstAttempts}::int
        FROM target_lock WHERE held
        ON CONFLICT (action_id) DO UPDATE SET attempts = action_runs.attempts + ${firstAttempts}::int
          WHERE action_runs.status = 'running' AND action_runs.kind = excluded.kind AND action_runs.target = excluded.target
        RETURNING *
      )
      SELECT coalesce((SELECT held FROM target_lock), false) AS locked,
             EXISTS (SELECT 1 FROM claimed) AS claimed,
             EXISTS (SELECT 1 FROM recorded) AS resumed,
             run.*
      FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (
        SELECT * FROM claimed
        UNION ALL SELECT * FROM recorded WHERE NOT EXISTS (SELECT 1 FROM claimed)
        LIMIT 1
      ) AS run ON true`.execute(session);
    const { locked, claimed, resumed, ...run } = rows[0]!;
    return {
      locked,
      claimed,
      resumed: claimed && resumed,
      run: run.action_id === null ? undefined : (run as ActionRun),
    };
  }

  /** Records a retry's attempt number before it is made (a resumed run counts on from it). */
  async recordAttempt(actionId: string, attempts: number, db: Executor = this.db): Promise<void> {
    await db.updateTable('action_runs').set({ attempts }).where('action_id', '=', actionId).execute();
  }

  /** Records that the broker confirmed the results of these runs (one statement for a batch). */
  async markPublished(actionIds: readonly string[]): Promise<void> {
    if (actionIds.length === 0) return;
    await this.db
      .updateTable('action_runs')
      .set({ result_published_at: sql<Date>`now()` })
      .where('action_id', 'in', actionIds)
      .where('result_published_at', 'is', null)
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

  /**
   * Records the outcome, and in the same statement lets go of every advisory lock `session` holds
   * (the target's): one round trip ends the run. The duration runs from the first start, in the
   * database's clock.
   */
  async finish(session: Executor, actionId: string, run: FinishedRun): Promise<ActionRun> {
    const { released: _released, ...finished } = await session
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
      .returning(sql<string>`pg_advisory_unlock_all()::text`.as('released'))
      .executeTakeFirstOrThrow();
    return finished;
  }

  /** Lets go of every advisory lock `session` holds (a run that ended without `finish`). */
  async release(session: Executor): Promise<void> {
    await sql`SELECT pg_advisory_unlock_all()`.execute(session);
  }
}

/** The key of the lock that one action at a time per `kind:target` holds (and that a live run always holds). */
export function targetLockKey(request: Pick<ActionRequested, 'kind' | 'target'>): string {
  return `${request.kind}:${request.target}`;
}
