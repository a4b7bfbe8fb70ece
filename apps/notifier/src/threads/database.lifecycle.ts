import { type OnApplicationShutdown } from '@nestjs/common';
import { type Database } from '@hub/database';

/**
 * Owns the notifier's database pool: closed on shutdown, which Nest runs after the transport has
 * stopped and let running handlers finish.
 */
export class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(readonly db: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
