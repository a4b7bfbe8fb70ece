import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { Counter, register } from 'prom-client';
import { type HubDatabase } from './schema.js';
import { isStalePlanError, StatementNames } from './statement-names.js';

export type Database = Kysely<HubDatabase>;

/** Pool settings beyond the size. */
export interface DatabaseOptions {
  /**
   * How long a query waits for a new connection before it fails (default: forever, pg's default).
   * A reader that must answer quickly when PostgreSQL is away (the gateway's timeline API) sets it.
   */
  connectionTimeoutMillis?: number;
  /** `application_name` of the connections (`pg_stat_activity`); default: `PGAPPNAME`, `HUB_SERVICE`, else "hub". */
  applicationName?: string;
  /**
   * Prepare each statement once per connection ({@link StatementNames}); default: on unless
   * `DATABASE_PREPARED_STATEMENTS` is false (a pooler in transaction mode without prepared
   * statement support — PgBouncer before 1.21 — needs it off).
   */
  preparedStatements?: boolean;
}

/** One process-wide set of statement names, shared by its pools (a name means the same text everywhere). */
const statementNames = new StatementNames();

/** `DATABASE_PREPARED_STATEMENTS` (validated with the core settings): off only when false, 0 or no. */
function preparedStatementsByDefault(): boolean {
  return !['false', '0', 'no'].includes((process.env.DATABASE_PREPARED_STATEMENTS ?? '').toLowerCase());
}

/** A Kysely handle on `DATABASE_URL` (a `?options=-c search_path=…` in the URL picks a schema). */
export function createDatabase(
  url: string,
  poolSize = 10,
  options: DatabaseOptions = {},
): { db: Database; pool: pg.Pool } {
  const {
    applicationName = process.env.PGAPPNAME ?? process.env.HUB_SERVICE ?? 'hub',
    preparedStatements = preparedStatementsByDefault(),
    ...rest
  } = options;
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: applicationName, ...rest });
  // A connection PostgreSQL ends (restart, failover, pg_terminate_backend) emits 'error' on its
  // client. pg-pool listens only while the client is idle; checked out, an unheard 'error' would be
  // an uncaught exception and kill the service. The query in flight rejects with the same error, so
  // the handler fails (and is retried), and the pool drops the broken client when it is released.
  pool.on('error', () => undefined);
  const statements = statementsCounter();
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    wrapQueries(client, statements, preparedStatements ? statementNames : undefined);
  });
  return { db: new Kysely<HubDatabase>({ dialect: new PostgresDialect({ pool }) }), pool };
}

/**
 * `hub_db_statements_total`: the SQL statements this process sent (BEGIN and COMMIT included), one
 * counter for every pool of the process. Statements per handled message is the first figure to
 * read when a service's database time grows (the bench prints it per incident).
 */
function statementsCounter(): Counter {
  const name = 'hub_db_statements_total';
  return (
    (register.getSingleMetric(name) as Counter | undefined) ??
    new Counter({ name, help: 'SQL statements sent to PostgreSQL, BEGIN and COMMIT included', registers: [register] })
  );
}

/**
 * Wraps every `query` of one pooled connection (Kysely, raw `pool.query` and transactions all end
 * there): counts it, and sends a statement with parameters as a named (prepared) one when `names`
 * gives it a name. A statement PostgreSQL refuses as a stale plan is retired (unprepared from then
 * on); the statement still fails, and its handler's retry runs it unprepared.
 */
function wrapQueries(client: pg.PoolClient, counter: Counter, names: StatementNames | undefined): void {
  const query = (client as unknown as { query: (...args: unknown[]) => unknown }).query;
  // Sent before any other statement, and not counted. No JIT: the hub's statements are point
  // reads and writes, and an estimate inflated by stale statistics (the key-state read: cost
  // 187,000 for one row) made PostgreSQL compile the statement on every call — 15 ms of its CPU
  // each, the repeat storm's bound. Prepared statements keep their parse, never a generic plan:
  // one planned without the values went from 0.07 to 29 ms per call for the same read.
  const settings = ['SET jit = off', ...(names ? ['SET plan_cache_mode = force_custom_plan'] : [])];
  (query.call(client, settings.join('; ')) as Promise<unknown>).catch(() => undefined);
  // One property on this connection object, ahead of pg's (and its instrumentation's) prototype method.
  (client as { query: unknown }).query = function wrappedQuery(this: pg.PoolClient, ...args: unknown[]) {
    counter.inc();
    const [text, values, callback] = args;
    const name =
      names && typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined
        ? names.nameOf(text)
        : undefined;
    if (name === undefined) return query.apply(this, args);
    return (query.call(this, { name, text, values }) as Promise<unknown>).catch((error: unknown) => {
      if (isStalePlanError(error)) names!.retire(text as string);
      throw error;
    });
  };
}
