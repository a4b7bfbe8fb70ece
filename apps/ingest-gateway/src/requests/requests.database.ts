import { type OnApplicationShutdown } from '@nestjs/common';
import { createDatabase, type Database } from '@hub/database';

/** Connections of the request intake and status API: a few, requests are rare. */
const POOL_SIZE = 4;
/** A request fails fast (503) when PostgreSQL does not answer, rather than hanging the client. */
const CONNECT_TIMEOUT_MS = 3_000;

/**
 * The gateway's connection to the hub database for provisioning requests (`DATABASE_URL`). It
 * connects on the first query; the gateway neither migrates (the executor does) nor checks it for
 * readiness, so event ingest keeps working when PostgreSQL is away.
 */
export class RequestsDatabase implements OnApplicationShutdown {
  readonly db: Database;

  constructor(url: string) {
    this.db = createDatabase(url, POOL_SIZE, { connectionTimeoutMillis: CONNECT_TIMEOUT_MS }).db;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
