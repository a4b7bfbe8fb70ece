import { type OnApplicationShutdown } from '@nestjs/common';
import { createDatabase, type Database } from '@hub/database';

/** A read fails fast (503) when PostgreSQL does not answer, rather than hanging the request. */
const CONNECT_TIMEOUT_MS = 3_000;
/** Connections of the reader: a few, it serves operator look-ups. */
const POOL_SIZE = 4;

/** Injection token of the byte budget of one `GET /v1/events` page (`GATEWAY_READ_MAX_BYTES`). */
export const EVENT_LOG_PAGE_BYTES = Symbol('EventLogPageBytes');

/** Injection token of the gateway's (lazy) event log database handle. */
export const EVENT_LOG_DATABASE = Symbol('EventLogDatabase');

/**
 * The gateway's read side of the event log: a PostgreSQL pool opened on the first query, so a
 * gateway without a database still ingests (the sensor creates and fills the table).
 */
export class EventLogDatabase implements OnApplicationShutdown {
  private db?: Database;

  constructor(private readonly url: string) {}

  handle(): Database {
    this.db ??= createDatabase(this.url, POOL_SIZE, { connectionTimeoutMillis: CONNECT_TIMEOUT_MS }).db;
    return this.db;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db?.destroy();
  }
}
