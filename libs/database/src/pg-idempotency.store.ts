import type pg from 'pg';
import { type RunOnceOutcome } from './run-once.js';

/**
 * Makes a consumer idempotent on the event (its `eventIdentity`: source + id) with PostgreSQL over a
 * plain `pg` pool — {@link runOnce} is the same over Kysely, and both write `hub_processed_events`:
 * the "processed" marker and the handler's database effects commit in one transaction. A redelivery
 * after a crash finds either both (and skips) or neither (and runs again); two replicas given the
 * same event serialise on the marker's primary key, and the second sees a duplicate.
 */
export class PgIdempotencyStore {
  private readonly table: string;

  constructor(
    private readonly pool: pg.Pool,
    table = 'hub_processed_events',
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`invalid table name ${table}`);
    this.table = table;
  }

  async ensureSchema(): Promise<void> {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (
         consumer text NOT NULL,
         event_id text NOT NULL,
         processed_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (consumer, event_id))`,
    );
  }

  /**
   * Runs `work` inside the transaction that records (consumer, event), unless it is recorded
   * already. Pass `eventIdentity(event)` for events from outside: CloudEvents ids are unique only
   * within a source. A bare id is fine only where the id is unique hub-wide (a v4/v5 UUID the hub made).
   */
  async runOnce<T>(
    consumer: string,
    event: string,
    work: (tx: pg.PoolClient) => Promise<T>,
  ): Promise<RunOnceOutcome<T>> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query(
        `INSERT INTO ${this.table} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [consumer, event],
      );
      if (inserted.rowCount === 0) {
        await client.query('ROLLBACK');
        return { duplicate: true };
      }
      const result = await work(client);
      await client.query('COMMIT');
      return { duplicate: false, result };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Runs `work` at most once per (consumer, event) with no transaction open while it runs (it may
   * call vendors): a session-level advisory lock on `lock` (two texts, hashed) serialises the work of
   * replicas on one key, the marker is checked under it and written after `work` succeeded. A crash
   * in between leaves no marker, so a redelivery runs `work` again: its own writes must make a second
   * run a no-op (they commit on their own). The lock ends with the session if the process dies.
   */
  async runOnceUnderLock<T>(
    consumer: string,
    event: string,
    lock: readonly [string, string],
    work: () => Promise<T>,
  ): Promise<RunOnceOutcome<T>> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', [lock[0], lock[1]]);
      const seen = await client.query(`SELECT 1 FROM ${this.table} WHERE consumer = $1 AND event_id = $2`, [
        consumer,
        event,
      ]);
      if ((seen.rowCount ?? 0) > 0) return { duplicate: true };
      const result = await work();
      await client.query(`INSERT INTO ${this.table} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        consumer,
        event,
      ]);
      return { duplicate: false, result };
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      const unlocked = await client.query('SELECT pg_advisory_unlock_all()').then(
        () => true,
        () => false,
      );
      // A session whose unlock failed may still hold the lock: destroy it rather than pool it.
      client.release(broken && !unlocked ? true : undefined);
    }
  }

  /** Forgets markers older than `olderThanDays` (run it from a schedule; redeliveries come within minutes). */
  async prune(olderThanDays: number): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM ${this.table} WHERE processed_at < now() - make_interval(days => $1)`,
      [olderThanDays],
    );
    return result.rowCount ?? 0;
  }
}
