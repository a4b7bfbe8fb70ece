import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { sql } from 'kysely';
import { createDatabase, type Database, migrateToLatest } from '@hub/database';

/** How long a delivery id is remembered: a redelivery within it is answered, not published again. */
export const REPLAY_WINDOW_HOURS = 24;

const PRUNE_EVERY_MS = 10 * 60_000;

/** Injection token of the gateway's {@link ReplayStore}. */
export const REPLAY_STORE = Symbol('ReplayStore');

/**
 * The delivery ids the push sources published, in PostgreSQL (`webhook_deliveries`, migration
 * 0016), so every gateway replica agrees on what is a replay. Written only after the broker
 * confirmed a delivery's events: a delivery that failed to publish is not remembered, and its retry
 * is published. When the database cannot be reached the store answers "not seen" (and logs it): the
 * delivery is published again rather than lost, and consumers drop it by its deterministic event id.
 * The pool opens, and the schema is migrated, on first use, so a gateway without a database still ingests.
 */
export class ReplayStore implements OnApplicationShutdown {
  private readonly logger = new Logger(ReplayStore.name);
  private database?: Promise<Database>;
  private handle?: Database;
  private lastPrune = 0;

  constructor(private readonly url: string) {}

  /** The delivery ids of `source` seen within the window, each with the event ids it was published as. */
  async seen(source: string, deliveryIds: readonly string[]): Promise<Map<string, string[]>> {
    if (deliveryIds.length === 0) return new Map();
    try {
      const rows = await (
        await this.db()
      )
        .selectFrom('webhook_deliveries')
        .select(['delivery_id', 'event_ids'])
        .where('source', '=', source)
        .where('delivery_id', 'in', [...deliveryIds])
        .where('seen_at', '>', sql<Date>`now() - make_interval(hours => ${REPLAY_WINDOW_HOURS})`)
        .execute();
      return new Map(rows.map((row) => [row.delivery_id, row.event_ids]));
    } catch (error) {
      this.logger.warn(`replay check for ${source} skipped (database unavailable): ${messageOf(error)}`);
      return new Map();
    }
  }

  /** Remembers deliveries whose events the broker confirmed. */
  async record(source: string, deliveries: readonly { deliveryId: string; eventIds: readonly string[] }[]) {
    if (deliveries.length === 0) return;
    try {
      const db = await this.db();
      await db
        .insertInto('webhook_deliveries')
        .values(deliveries.map((d) => ({ source, delivery_id: d.deliveryId, event_ids: JSON.stringify(d.eventIds) })))
        .onConflict((c) =>
          c.columns(['source', 'delivery_id']).doUpdateSet({ seen_at: sql`now()`, event_ids: sql`excluded.event_ids` }),
        )
        .execute();
      await this.prune(db);
    } catch (error) {
      this.logger.warn(`delivery ids of ${source} not recorded (database unavailable): ${messageOf(error)}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle?.destroy();
  }

  /** The database, migrated once; a failed attempt is forgotten so the next request tries again. */
  private db(): Promise<Database> {
    if (!this.database) {
      const attempt = this.open();
      this.database = attempt;
      attempt.catch(() => {
        if (this.database === attempt) this.database = undefined;
      });
    }
    return this.database;
  }

  private async open(): Promise<Database> {
    this.handle ??= createDatabase(this.url, 10, { connectionTimeoutMillis: 2_000 }).db;
    await migrateToLatest(this.handle);
    return this.handle;
  }

  private async prune(db: Database): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    await db
      .deleteFrom('webhook_deliveries')
      .where('seen_at', '<', sql<Date>`now() - make_interval(hours => ${REPLAY_WINDOW_HOURS})`)
      .execute();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
