import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type HubDatabase } from './schema.js';

export type Database = Kysely<HubDatabase>;

/** Pool settings beyond the size. */
export interface DatabaseOptions {
  /**
   * How long a query waits for a new connection before it fails (default: forever, pg's default).
   * A reader that must answer quickly when PostgreSQL is away (the gateway's timeline API) sets it.
   */
  connectionTimeoutMillis?: number;
}

/** A Kysely handle on `DATABASE_URL` (a `?options=-c search_path=…` in the URL picks a schema). */
export function createDatabase(
  url: string,
  poolSize = 10,
  options: DatabaseOptions = {},
): { db: Database; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, ...options });
  pool.on('error', () => undefined);
  return { db: new Kysely<HubDatabase>({ dialect: new PostgresDialect({ pool }) }), pool };
}
