import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type HubDatabase } from '@hub/database';

/** What a claim of some events for a step found. */
export interface EventClaim<P = undefined> {
  /** The ids not sent before, in the order asked: the ones this delivery has to send. */
  readonly unsent: readonly string[];
  /**
   * Of those, the ones an earlier try had claimed, with when; a claim another replica committed
   * while this one was claiming counts as claimed just now (it is sending).
   */
  readonly earlier: ReadonlyMap<string, Date>;
  /** What the claim's `probe` answered (asked in the same statement). */
  readonly probe: P;
}

/**
 * Claims `(claim:<step>, id)` for each id not yet marked sent (`<step>`), in one statement (no
 * BEGIN/COMMIT): reads both markers and inserts the missing claims under one snapshot. A claim
 * committed by another replica after that snapshot makes the insert find a conflict, so the id
 * counts as claimed by an earlier try — never sent twice at once. `probe` is a further condition
 * answered by the same statement (a Teams card's follow-up check).
 */
export async function claimEvents<P = undefined>(
  db: Kysely<HubDatabase>,
  step: string,
  eventIds: readonly string[],
  probe?: RawBuilder<P>,
): Promise<EventClaim<P>> {
  if (eventIds.length === 0) return { unsent: [], earlier: new Map(), probe: undefined as P };
  const claimStep = `claim:${step}`;
  const { rows } = await sql<{ event_id: string; sent: boolean; claimed_at: Date | null; mine: boolean; probe: P }>`
    WITH ids AS (SELECT unnest(${[...eventIds]}::text[]) AS event_id),
    prior AS (
      SELECT consumer, event_id, processed_at FROM hub_processed_events
      WHERE consumer IN (${step}, ${claimStep}) AND event_id = ANY(${[...eventIds]}::text[])),
    mine AS (
      INSERT INTO hub_processed_events (consumer, event_id)
      SELECT ${claimStep}, ids.event_id FROM ids
      WHERE NOT EXISTS (SELECT 1 FROM prior WHERE prior.event_id = ids.event_id AND prior.consumer = ${step})
      ON CONFLICT DO NOTHING RETURNING event_id)
    SELECT ids.event_id,
      EXISTS (SELECT 1 FROM prior WHERE prior.event_id = ids.event_id AND prior.consumer = ${step}) AS sent,
      (SELECT processed_at FROM prior WHERE prior.event_id = ids.event_id AND prior.consumer = ${claimStep}) AS claimed_at,
      EXISTS (SELECT 1 FROM mine WHERE mine.event_id = ids.event_id) AS mine,
      ${probe ?? sql`NULL`} AS probe
    FROM ids`.execute(db);
  const unsent: string[] = [];
  const earlier = new Map<string, Date>();
  const now = new Date();
  for (const row of rows) {
    if (row.sent) continue;
    unsent.push(row.event_id);
    if (row.claimed_at) earlier.set(row.event_id, new Date(row.claimed_at));
    else if (!row.mine) earlier.set(row.event_id, now);
  }
  return { unsent, earlier, probe: (rows[0]?.probe ?? undefined) as P };
}

/** The time the youngest earlier claim was made, 0 when none (`Math.max` of the claims). */
export function youngestClaim(earlier: ReadonlyMap<string, Date>): number {
  let youngest = 0;
  for (const at of earlier.values()) youngest = Math.max(youngest, at.getTime());
  return youngest;
}

/** Frees the claims `step` holds on `eventIds` (the post is known not to have happened: the retry posts at once). */
export async function releaseClaims(db: Kysely<HubDatabase>, step: string, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await db
    .deleteFrom('hub_processed_events')
    .where('consumer', '=', `claim:${step}`)
    .where('event_id', 'in', eventIds)
    .execute();
}
