import { type OnApplicationShutdown } from '@nestjs/common';
import { createDatabase, type Database } from '@hub/database';

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
    this.db ??= createDatabase(this.url).db;
    return this.db;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db?.destroy();
  }
}
