import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { type Database, type HubDatabase } from '@hub/database';
import { ActionInterruptedError, ActionLockTimeoutError } from './runner.errors.js';

/**
 * Separate key spaces (the first int of PostgreSQL's two-int advisory locks), so action ids and
 * targets never collide with each other or with other services' locks.
 */
export const LockSpace = {
  /**
   * One action at a time per `kind:target`, across replicas; held by every live run, so it also
   * tells a dead replica's `running` row from a live one (`ActionRunsRepository.claim`). (0x48554201,
   * the action-id lock the runner once took as well, is retired.)
   */
  target: 0x48554202,
  /** One live plan per provisioning request (S3), across replicas. */
  request: 0x48554203,
} as const;

/** Which key space a lock is in. */
export type LockSpaceName = keyof typeof LockSpace;

/** How long to wait for a lock, and what stops the wait early. */
export interface LockWait {
  readonly waitMs: number;
  readonly signal: AbortSignal;
}

const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 500;

/**
 * Session-level advisory locks on one dedicated connection. The key is hashed with the current
 * schema (`hashtext(current_schema() || ':' || key)`), so replicas sharing a schema exclude each
 * other and test schemas do not. A crashed replica's session ends, and PostgreSQL drops its locks.
 */
export class LockSession {
  constructor(private readonly connection: Kysely<HubDatabase>) {}

  /** Takes the lock, polling until it is free; throws after `waitMs` or when `signal` aborts. */
  async acquire(space: LockSpaceName, key: string, wait: LockWait): Promise<void> {
    const deadline = Date.now() + wait.waitMs;
    let pollMs = FIRST_POLL_MS;
    while (!(await this.tryAcquire(space, key))) {
      if (wait.signal.aborted) throw new ActionInterruptedError('the executor is shutting down');
      if (Date.now() >= deadline) {
        throw new ActionLockTimeoutError(`${space} ${key} stayed locked for ${wait.waitMs} ms`, { space, key });
      }
      await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), undefined, { signal: wait.signal }).catch(
        () => undefined,
      );
      pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
    }
  }

  async tryAcquire(space: LockSpaceName, key: string): Promise<boolean> {
    const { rows } = await sql<{ locked: boolean }>`
      SELECT pg_try_advisory_lock(${LockSpace[space]}::int, hashtext(current_schema() || ':' || ${key})) AS locked`.execute(
      this.connection,
    );
    return rows[0]?.locked === true;
  }

  /** Releases every advisory lock this session holds. */
  async releaseAll(): Promise<void> {
    await sql`SELECT pg_advisory_unlock_all()`.execute(this.connection);
  }
}

/** Runs `work` with a lock session on a connection of its own, released (locks and all) afterwards. */
export function withLockSession<T>(db: Database, work: (session: LockSession) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    const session = new LockSession(connection);
    try {
      return await work(session);
    } finally {
      await session.releaseAll().catch(() => undefined);
    }
  });
}
