import { type Transaction } from 'kysely';
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
