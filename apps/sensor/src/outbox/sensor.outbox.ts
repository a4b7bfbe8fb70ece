import { type HubEvent } from '@hub/contracts';
import { type HubPublisher } from '@hub/messaging';
import { type SensorDb, type SensorTransaction } from '../incidents/sensor-database.js';
import { OutboxPublishError } from './outbox.errors.js';

/** How long a confirmed event's row may wait for the next transaction to delete it before a delete of its own. */
const DELETE_AFTER_MS = 100;

/**
 * Transactional outbox of the sensor. A state change and the events it must publish commit
 * together (`stage`, in the handler's transaction); publishing happens straight after the commit,
 * and the rows are only the fallback: a confirmed event's row is deleted by the next event's
 * transaction (its first statement takes {@link takeConfirmed}), or by one delete of its own
 * within {@link DELETE_AFTER_MS} when no event comes. A delivery whose publish failed is retried
 * by the transport: it is a duplicate to `runOnce` by then, so the handler publishes what is still
 * staged for that event instead (`pendingFor`). The relay picks up what a parked delivery left.
 * Events keep their ids across republishing (a row whose delete was lost with the process goes out
 * again), so consumers deduplicate them.
 */
export class SensorOutbox {
  /** Ids of confirmed events whose rows are still to be deleted. */
  private confirmed = new Set<string>();
  private deleting?: NodeJS.Timeout;

  constructor(
    private readonly db: SensorDb,
    private readonly publisher: HubPublisher,
    /** How long a publish waits for a publisher that is (re)connecting before it gives up. */
    private readonly readyWaitMs = 5_000,
  ) {}

  async stage(trx: SensorTransaction, sourceEvent: string, events: readonly HubEvent[]): Promise<void> {
    if (events.length === 0) return;
    await trx
      .insertInto('sensor_outbox')
      .values(
        events.map((event) => ({ event_id: event.id, source_event_id: sourceEvent, event: JSON.stringify(event) })),
      )
      .execute();
  }

  /** Events staged by the handling of `sourceEvent` (its `eventIdentity`) and not yet confirmed, in staging order. */
  async pendingFor(sourceEvent: string): Promise<HubEvent[]> {
    const rows = await this.db
      .selectFrom('sensor_outbox')
      .select('event')
      .where('source_event_id', '=', sourceEvent)
      .orderBy('position')
      .execute();
    return rows.map((row) => row.event).filter((event) => !this.confirmed.has(event.id));
  }

  /** Publishes in order, each confirmed by the broker before its row may go; stops at the first failure. */
  async publish(events: readonly HubEvent[]): Promise<void> {
    if (events.length > 0 && !this.publisher.ready) {
      await this.publisher.waitUntilReady(this.readyWaitMs).catch(() => undefined);
    }
    try {
      for (const [index, event] of events.entries()) {
        try {
          await this.publisher.publish(event);
        } catch (error) {
          throw new OutboxPublishError(
            `published ${index} of ${events.length} events; ${event.type} ${event.id} failed: ${(error as Error).message}`,
            { eventId: event.id, type: event.type },
            { cause: error },
          );
        }
        this.confirmed.add(event.id);
      }
    } finally {
      this.scheduleDelete();
    }
  }

  /**
   * The confirmed events whose rows the caller's transaction deletes (with its first statement);
   * {@link giveBack} them when that transaction does not commit.
   */
  takeConfirmed(): string[] {
    const ids = [...this.confirmed];
    this.confirmed.clear();
    return ids;
  }

  giveBack(ids: readonly string[]): void {
    for (const id of ids) this.confirmed.add(id);
    this.scheduleDelete();
  }

  /** Deletes the rows of every confirmed event now (one statement); at shutdown, and when no event took them. */
  async deleteConfirmed(): Promise<void> {
    clearTimeout(this.deleting);
    this.deleting = undefined;
    const ids = this.takeConfirmed();
    if (ids.length === 0) return;
    try {
      await this.db.deleteFrom('sensor_outbox').where('event_id', 'in', ids).execute();
    } catch (error) {
      this.giveBack(ids);
      throw error;
    }
  }

  /** Nest, before the pool closes: the rows of what was published go, rather than out again with the relay. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.deleteConfirmed().catch(() => undefined);
  }

  /**
   * Publishes events staged more than `olderThanMs` ago (their delivery gave up or its consumer
   * died). Rows are locked with SKIP LOCKED, so replicas relay different rows; returns the count.
   */
  async relayStale(olderThanMs: number, limit = 100): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('sensor_outbox')
        .select(['position', 'event'])
        .where('created_at', '<', new Date(Date.now() - olderThanMs))
        .orderBy('position')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) await this.publisher.publish(row.event);
      if (rows.length > 0) {
        await trx
          .deleteFrom('sensor_outbox')
          .where(
            'position',
            'in',
            rows.map((row) => row.position),
          )
          .execute();
      }
      return rows.length;
    });
  }

  private scheduleDelete(): void {
    if (this.deleting || this.confirmed.size === 0) return;
    this.deleting = setTimeout(() => {
      this.deleting = undefined;
      this.deleteConfirmed().catch(() => undefined); // kept for the next try; the relay republishes at worst
    }, DELETE_AFTER_MS);
    this.deleting.unref();
  }
}
