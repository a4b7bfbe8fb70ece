import { type Kysely, type Transaction } from 'kysely';
import { type HubDatabase } from '@hub/database';

/**
 * Marks `(step, event id)` processed for each id in the caller's transaction and returns the ids
 * that were not marked before: the ones this delivery still has to send. The marks commit with the
 * delivery's receipts, after the vendor took the message, so a failed send leaves them unmarked.
 */
export async function claimEvents(
  trx: Transaction<HubDatabase>,
  step: string,
  eventIds: readonly string[],
): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await trx
    .insertInto('hub_processed_events')
    .values(eventIds.map((event_id) => ({ consumer: step, event_id })))
    .onConflict((oc) => oc.doNothing())
    .returning('event_id')
    .execute();
  return new Set(rows.map((row) => row.event_id));
}

/** The ids of `eventIds` marked for `step`, with when (the claims of an earlier try). */
export async function markedEvents(
  db: Kysely<HubDatabase>,
  step: string,
  eventIds: readonly string[],
): Promise<Map<string, Date>> {
  if (eventIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('hub_processed_events')
    .select(['event_id', 'processed_at'])
    .where('consumer', '=', step)
    .where('event_id', 'in', eventIds)
    .execute();
  return new Map(rows.map((row) => [row.event_id, row.processed_at]));
}

/** Frees the claims `step` holds on `eventIds` (the post is known not to have happened: the retry posts at once). */
export async function releaseClaims(db: Kysely<HubDatabase>, step: string, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await db.deleteFrom('hub_processed_events').where('consumer', '=', step).where('event_id', 'in', eventIds).execute();
}
