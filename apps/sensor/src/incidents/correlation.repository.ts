import { sql } from 'kysely';
import { type SeenDependency } from '../kinds/correlation/correlation.js';
import { type CorrelationStore } from '../stores/sensor-stores.js';
import { type SensorTransaction } from './sensor-database.js';

/** Advisory-lock class of correlation keys ("COND"), apart from incident keys and rate limits. */
const CONDITION_LOCK_CLASS = 0x434f4e44;

/**
 * Partial matches of correlation conditions in PostgreSQL (`sensor_condition_matches`, migration
 * 0009): one row per sensor, correlation key and dependency seen. Read and written under the key's
 * advisory lock in the consuming event's transaction, so replicas handling A and B of one key at
 * once serialise — the second sees the first's row, and exactly one of them completes the condition.
 */
export class CorrelationRepository implements CorrelationStore {
  constructor(private readonly trx: SensorTransaction) {}

  /** Serialises work on one sensor's correlation key until the transaction ends. */
  async lock(sensor: string, key: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(${CONDITION_LOCK_CLASS}::int, hashtext(${`${sensor}/${key}`}))`.execute(
      this.trx,
    );
  }

  async read(sensor: string, key: string): Promise<SeenDependency[]> {
    const rows = await this.trx
      .selectFrom('sensor_condition_matches')
      .select(['dependency', 'event_id', 'at'])
      .where('sensor', '=', sensor)
      .where('key', '=', key)
      .execute();
    return rows.map((row) => ({ dependency: row.dependency, eventId: row.event_id, at: row.at.getTime() }));
  }

  /** Replaces the key's partial match with `seen` (empty: forgotten), each row kept until `at + withinMs`. */
  async write(sensor: string, key: string, seen: readonly SeenDependency[], withinMs: number): Promise<void> {
    await this.trx.deleteFrom('sensor_condition_matches').where('sensor', '=', sensor).where('key', '=', key).execute();
    if (seen.length === 0) return;
    await this.trx
      .insertInto('sensor_condition_matches')
      .values(
        seen.map((s) => ({
          sensor,
          key,
          dependency: s.dependency,
          event_id: s.eventId,
          at: new Date(s.at),
          expires_at: new Date(s.at + withinMs),
        })),
      )
      .execute();
  }
}

/** Deletes partial matches whose window closed before `before` (abandoned: the rest never came). */
export async function sweepCorrelations(db: Pick<SensorTransaction, 'deleteFrom'>, before: Date): Promise<number> {
  const result = await db.deleteFrom('sensor_condition_matches').where('expires_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
