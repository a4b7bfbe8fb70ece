import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type HubDatabase } from './schema.js';

export type Database = Kysely<HubDatabase>;

/** A Kysely handle on `DATABASE_URL` (a `?options=-c search_path=…` in the URL picks a schema). */
export function createDatabase(url: string, poolSize = 10): { db: Database; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined);
  return { db: new Kysely<HubDatabase>({ dialect: new PostgresDialect({ pool }) }), pool };
}
