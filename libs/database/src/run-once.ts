import { type Transaction } from 'kysely';
import { type Database } from './database.js';
import { type HubDatabase } from './schema.js';

export interface RunOnceOutcome<T> {
  /** True when `consumer` had processed the event before: `work` did not run. */
  readonly duplicate: boolean;
  readonly result?: T;
}

/**
 * Runs `work` in the transaction that marks (consumer, event) processed, unless it is marked
 * already. `event` is the event's `eventIdentity` (source + id), so two sources that number events
 * alike are two events. The marker and the work's writes commit together: a redelivery after a crash finds both
 * or neither, and two replicas handed the same event serialise on the marker's primary key.
 */
export async function runOnce<T>(
  db: Database,
  consumer: string,
  event: string,
  work: (trx: Transaction<HubDatabase>) => Promise<T>,
): Promise<RunOnceOutcome<T>> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('hub_processed_events')
      .values({ consumer, event_id: event })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return { duplicate: true };
    return { duplicate: false, result: await work(trx) };
  });
}
