import { sql } from 'kysely';
import { type HubEvent } from '@hub/contracts';
import { eventLogKey } from '@hub/database';
import { INCIDENT_LOCK_CLASS } from './incident.repository.js';
import { type SensorTransaction } from './sensor-database.js';

/** What the first statement of an event's transaction does besides marking the event processed. */
export interface EventClaim {
  readonly consumer: string;
  /** `eventIdentity(event)`: the processed-events marker. */
  readonly identity: string;
  /** Recorded in the event log (`GET /v1/events`, `hub replay`) when the event is new. */
  readonly log?: HubEvent;
  /** Incident keys whose advisory lock is taken, in this order, when the event is new. */
  readonly lockKeys?: readonly string[];
  /** Outbox rows of events the broker already confirmed (`SensorOutbox.takeConfirmed`). */
  readonly published?: readonly string[];
}

/**
 * The start of one event's work in ONE statement: the processed-events marker (`hub_processed_events`,
 * as `runOnce` writes it), and only when the marker is new, the event log row and the incident keys'
 * locks; plus the outbox rows of earlier events that are published. Returns whether the event is new
 * (false: a duplicate, nothing but the deletes was done). The locks are taken after the statement's
 * snapshot, so the work reads what the previous holder committed only from its next statement on.
 */
export async function claimEvent(trx: SensorTransaction, claim: EventClaim): Promise<boolean> {
  const { log } = claim;
  const logged = log
    ? sql`, logged AS (
        INSERT INTO event_log (id, type, source, key, time, event)
        SELECT ${log.id}, ${log.type}, ${log.source}, ${eventLogKey(log)}, ${log.time}, ${JSON.stringify(log)}::jsonb
        FROM marker
        ON CONFLICT (source, id) DO NOTHING)`
    : sql``;
  const published = claim.published?.length
    ? sql`, published AS (DELETE FROM sensor_outbox WHERE event_id = ANY(${[...claim.published]}::text[]))`
    : sql``;
  const keys = claim.lockKeys ?? [];
  // pg_advisory_xact_lock is volatile: evaluated once per key, in the array's order, never optimised away.
  const locked = keys.length
    ? sql`(SELECT count(*) FROM (
             SELECT pg_advisory_xact_lock(${INCIDENT_LOCK_CLASS}::int, hashtext(u.key))
             FROM marker, unnest(${[...keys]}::text[]) AS u(key)) k)`
    : sql`0`;
  const { rows } = await sql<{ fresh: boolean; locks: string }>`
    WITH marker AS (
      INSERT INTO hub_processed_events (consumer, event_id) VALUES (${claim.consumer}, ${claim.identity})
      ON CONFLICT DO NOTHING RETURNING 1
    )${logged}${published}
    SELECT EXISTS (SELECT 1 FROM marker) AS fresh, ${locked} AS locks`.execute(trx);
  return rows[0]?.fresh === true;
}
