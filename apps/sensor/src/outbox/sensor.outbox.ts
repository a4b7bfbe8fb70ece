import { type HubEvent } from '@hub/contracts';
import { type HubPublisher } from '@hub/messaging';
import { type SensorDb, type SensorTransaction } from '../incidents/sensor-database.js';
import { OutboxPublishError } from './outbox.errors.js';

/**
 * Transactional outbox of the sensor. A state change and the events it must publish commit
 * together (`stage`, in the handler's transaction); publishing happens after the commit, and a
 * row is deleted once the broker confirmed its event. A delivery whose publish failed is retried
 * by the transport: it is a duplicate to `runOnce` by then, so the handler publishes what is still
 * staged for that event instead (`pendingFor`). The relay picks up what a parked delivery left.
 * Events keep their ids across republishing, so consumers deduplicate them.
 */
export class SensorOutbox {
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
    return rows.map((row) => row.event);
  }

  /** Publishes in order, each confirmed by the broker before its row goes; stops at the first failure. */
  async publish(events: readonly HubEvent[]): Promise<void> {
    if (events.length > 0 && !this.publisher.ready) {
      await this.publisher.waitUntilReady(this.readyWaitMs).catch(() => undefined);
    }
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
      await this.db.deleteFrom('sensor_outbox').where('event_id', '=', event.id).execute();
    }
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
      for (const row of rows) {
        await this.publisher.publish(row.event);
        await trx.deleteFrom('sensor_outbox').where('position', '=', row.position).execute();
      }
      return rows.length;
    });
  }
}
