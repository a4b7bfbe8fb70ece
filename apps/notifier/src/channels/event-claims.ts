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

/** The events one channel claims for one step, and the further condition its claim asks (`probe`). */
export interface ClaimRequest<P = unknown> {
  readonly step: string;
  readonly eventIds: readonly string[];
  readonly probe?: RawBuilder<P>;
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
  const [claim] = await claimAll(db, [{ step, eventIds, ...(probe ? { probe } : {}) }]);
  return claim as EventClaim<P>;
}

/**
 * {@link claimEvents} for several steps at once (the channels of one notification that claim before
 * their call), still one statement: one claim per request, in the order asked.
 */
export async function claimAll(
  db: Kysely<HubDatabase>,
  requests: readonly ClaimRequest[],
): Promise<EventClaim<unknown>[]> {
  const asked = requests.flatMap((request, i) =>
    request.eventIds.map((eventId) => ({ i, eventId, step: request.step })),
  );
  if (asked.length === 0) return requests.map(() => ({ unsent: [], earlier: new Map(), probe: undefined }));
  const probes = requests.some((r) => r.probe)
    ? sql`CASE ids.request ${sql.join(
        requests.map((r, i) => sql`WHEN ${i} THEN ${r.probe ?? sql`NULL`}`),
        sql` `,
      )} END`
    : sql`NULL`;
  const { rows } = await sql<{
    request: number;
    event_id: string;
    sent: boolean;
    claimed_at: Date | null;
    mine: boolean;
    probe: unknown;
  }>`
    WITH ids AS (
      SELECT request, 'claim:' || step AS claim_step, step, event_id, n
      FROM unnest(${asked.map((a) => a.i)}::int[], ${asked.map((a) => a.step)}::text[],
        ${asked.map((a) => a.eventId)}::text[]) WITH ORDINALITY AS t(request, step, event_id, n)),
    prior AS (
      SELECT consumer, event_id, processed_at FROM hub_processed_events
      WHERE (consumer, event_id) IN (SELECT step, event_id FROM ids UNION ALL SELECT claim_step, event_id FROM ids)),
    mine AS (
      INSERT INTO hub_processed_events (consumer, event_id)
      SELECT ids.claim_step, ids.event_id FROM ids
      WHERE NOT EXISTS (SELECT 1 FROM prior WHERE prior.event_id = ids.event_id AND prior.consumer = ids.step)
      ON CONFLICT DO NOTHING RETURNING consumer, event_id)
    SELECT ids.request, ids.event_id,
      EXISTS (SELECT 1 FROM prior WHERE prior.event_id = ids.event_id AND prior.consumer = ids.step) AS sent,
      (SELECT processed_at FROM prior WHERE prior.event_id = ids.event_id AND prior.consumer = ids.claim_step) AS claimed_at,
      EXISTS (SELECT 1 FROM mine WHERE mine.event_id = ids.event_id AND mine.consumer = ids.claim_step) AS mine,
      ${probes} AS probe
    FROM ids ORDER BY ids.n`.execute(db);
  const claims: { unsent: string[]; earlier: Map<string, Date>; probe: unknown }[] = requests.map(() => ({
    unsent: [],
    earlier: new Map(),
    probe: undefined,
  }));
  const now = new Date();
  for (const row of rows) {
    const claim = claims[row.request]!;
    claim.probe = row.probe ?? undefined;
    if (row.sent) continue;
    claim.unsent.push(row.event_id);
    if (row.claimed_at) claim.earlier.set(row.event_id, new Date(row.claimed_at));
    else if (!row.mine) claim.earlier.set(row.event_id, now);
  }
  return claims;
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
