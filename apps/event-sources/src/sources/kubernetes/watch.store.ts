import { type HubEvent } from '@hub/contracts';
import { type Database } from '@hub/database';
import { type Lease, LeaseRepository } from '../../supervision/pg-lease.js';

/** The lease was lost between deciding and committing: nothing was written, nothing may be published. */
export class LeaseLostError extends Error {}

/** One watched change, decided: the object's new state and the events to publish. */
export interface Commit {
  watch: string;
  resourceVersion: string;
  /** The object (shared dedup key `objectWatch`); absent for a bookmark. */
  object?: { objectWatch: string; uid: string; state: Record<string, unknown> | undefined };
  events: HubEvent[];
}

/**
 * The Kubernetes source's state in PostgreSQL: resume positions, per-object dedup and predicate
 * state, and the outbox. Every write is one transaction fenced by the lease, so a replica that
 * lost its lease cannot move a position or decide an event.
 */
export class WatchStore {
  private readonly leases: LeaseRepository;

  constructor(
    private readonly db: Database,
    private readonly source: string,
  ) {
    this.leases = new LeaseRepository(db);
  }

  async position(watch: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('watch_positions')
      .select('resource_version')
      .where('source', '=', this.source)
      .where('watch', '=', watch)
      .executeTakeFirst();
    return row?.resource_version;
  }

  async object(
    objectWatch: string,
    uid: string,
  ): Promise<{ resourceVersion: string; state: Record<string, unknown> } | undefined> {
    const row = await this.db
      .selectFrom('watch_objects')
      .select(['resource_version', 'state'])
      .where('source', '=', this.source)
      .where('watch', '=', objectWatch)
      .where('uid', '=', uid)
      .executeTakeFirst();
    return row ? { resourceVersion: row.resource_version, state: row.state } : undefined;
  }

  /** Every stored object of a dedup bucket (a relist diffs them against what it listed). */
  async objects(objectWatch: string): Promise<{ uid: string; state: Record<string, unknown> }[]> {
    return this.db
      .selectFrom('watch_objects')
      .select(['uid', 'state'])
      .where('source', '=', this.source)
      .where('watch', '=', objectWatch)
      .execute();
  }

  /** Writes the change (position, object, outbox) in one transaction, if `lease` still holds. */
  async commit(lease: Lease, change: Commit): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await this.leases.isHolder(trx, this.source, lease.holder, lease.token))) {
        throw new LeaseLostError(`the lease of ${this.source} is no longer held by ${lease.holder}`);
      }
      await trx
        .insertInto('watch_positions')
        .values({ source: this.source, watch: change.watch, resource_version: change.resourceVersion })
        .onConflict((oc) =>
          oc
            .columns(['source', 'watch'])
            .doUpdateSet({ resource_version: change.resourceVersion, updated_at: new Date() }),
        )
        .execute();
      const object = change.object;
      if (object?.state === undefined && object) {
        await trx
          .deleteFrom('watch_objects')
          .where('source', '=', this.source)
          .where('watch', '=', object.objectWatch)
          .where('uid', '=', object.uid)
          .execute();
      } else if (object?.state) {
        const state = JSON.stringify(object.state);
        await trx
          .insertInto('watch_objects')
          .values({
            source: this.source,
            watch: object.objectWatch,
            uid: object.uid,
            resource_version: change.resourceVersion,
            state,
          })
          .onConflict((oc) =>
            oc
              .columns(['source', 'watch', 'uid'])
              .doUpdateSet({ resource_version: change.resourceVersion, state, updated_at: new Date() }),
          )
          .execute();
      }
      if (change.events.length > 0) {
        await trx
          .insertInto('source_outbox')
          .values(change.events.map((e) => ({ event_id: e.id, source: this.source, event: JSON.stringify(e) })))
          .onConflict((oc) => oc.column('event_id').doNothing())
          .execute();
      }
    });
  }

  /** Decided events the broker has not confirmed yet, oldest first. */
  async pending(limit = 500): Promise<HubEvent[]> {
    const rows = await this.db
      .selectFrom('source_outbox')
      .select('event')
      .where('source', '=', this.source)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => r.event as unknown as HubEvent);
  }

  async published(eventId: string): Promise<void> {
    await this.db.deleteFrom('source_outbox').where('event_id', '=', eventId).execute();
  }
}
