import { type OnApplicationShutdown } from '@nestjs/common';
import { sql } from 'kysely';
import { createDatabase, type Database } from '@hub/database';

/**
 * The executor's two PostgreSQL pools: `db` for the `action_runs` record and probes, `locks` for
 * the sessions that hold advisory locks while actions run (one connection per running action, so
 * its size bounds the actions running at once). Closed when the app shuts down.
 */
export class ExecutorDatabase implements OnApplicationShutdown {
  private constructor(
    readonly db: Database,
    readonly locks: Database,
  ) {}

  static open(url: string, concurrency: number): ExecutorDatabase {
    return new ExecutorDatabase(createDatabase(url, 4).db, createDatabase(url, concurrency).db);
  }

  /** True when a trivial query answers within `timeoutMs`. */
  async reachable(timeoutMs = 2_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const probe = sql`SELECT 1`.execute(this.db).then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.db.destroy(), this.locks.destroy()]);
  }
}
