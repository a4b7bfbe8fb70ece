import { type OnApplicationShutdown } from '@nestjs/common';
import { createDatabase, type Database } from '@hub/database';

/** Connections of the timeline reader: a few, it only serves operator look-ups. */
const POOL_SIZE = 4;
/** A look-up fails fast (503) when PostgreSQL does not answer, rather than hanging the request. */
const CONNECT_TIMEOUT_MS = 3_000;

/**
 * The gateway's read-only connection to the hub database (`DATABASE_URL`), for the incident
 * timeline. The pool connects on the first query, never at start-up, and the gateway neither
 * migrates nor checks it for readiness: ingest must keep working when PostgreSQL is away.
 */
export class IncidentsDatabase implements OnApplicationShutdown {
  readonly db: Database;

  constructor(url: string) {
    this.db = createDatabase(url, POOL_SIZE, { connectionTimeoutMillis: CONNECT_TIMEOUT_MS }).db;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
