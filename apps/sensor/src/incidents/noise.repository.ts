import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type NoiseStore } from '../stores/sensor-stores.js';
import { type IncidentRepository } from './incident.repository.js';
import { instanceKey } from './key-state.js';
import { type SensorTransaction } from './sensor-database.js';

/** Advisory-lock class of trigger rate limits ("RATE"), apart from incident keys. */
const RATE_LOCK_CLASS = 0x52415445;

/**
 * Noise control state in PostgreSQL (migration 0006), so several replicas and a restart see the
 * same windows and marks. Window methods run under the incident key's advisory lock (the caller
 * holds it); marks are claimed by one atomic upsert, safe without a lock.
 */
export class NoiseRepository implements NoiseStore {
  constructor(
    private readonly trx: SensorTransaction,
    /** Reads a tombstone with the key's incidents when the work said it would ask (`IncidentRepository.expect`). */
    private readonly incidents?: IncidentRepository,
  ) {}

  /**
   * Counts `eventId` into the sensor's window of `key` and returns the most events of the key that
   * lie within one `withinMs` span containing `at` (this one included). Not only the span ending
   * at `at`: events are handled out of their order (two replicas, concurrent deliveries, a retry),
   * and the event that completes a count may be an earlier one handled last. Entries older than
   * two spans before `at` are dropped (a window with an event handled up to a span late keeps them).
   */
  async countInWindow(sensor: string, key: string, eventId: string, at: Date, withinMs: number): Promise<number> {
    const since = new Date(at.getTime() - withinMs);
    await this.trx
      .deleteFrom('sensor_window_events')
      .where('sensor', '=', sensor)
      .where('key', '=', key)
      .where('at', '<=', new Date(since.getTime() - withinMs))
      .execute();
    await this.trx
      .insertInto('sensor_window_events')
      .values({ sensor, key, event_id: eventId, at })
      .onConflict((oc) => oc.doNothing())
      .execute();
    // Every span that contains `at` starts at one of the key's events in (at - within, at].
    const { rows } = await sql<{ count: number }>`
      SELECT coalesce(max((
        SELECT count(*) FROM sensor_window_events later
        WHERE later.sensor = first.sensor AND later.key = first.key
          AND later.at >= first.at AND later.at < first.at + ${`${withinMs} milliseconds`}::interval
      )), 0)::int AS count
      FROM sensor_window_events first
      WHERE first.sensor = ${sensor} AND first.key = ${key} AND first.at > ${since} AND first.at <= ${at}`.execute(
      this.trx,
    );
    return rows[0]?.count ?? 0;
  }

  /** Empties the key's window (the threshold was reached: the next incident needs a full count again). */
  async resetWindow(sensor: string, key: string): Promise<void> {
    await this.trx.deleteFrom('sensor_window_events').where('sensor', '=', sensor).where('key', '=', key).execute();
  }

  /**
   * Claims `key` in `scope` at `at` unless it was claimed within `withinMs` before: true when this
   * call claimed it (the event is the first of its period), false for a repeat. One statement —
   * concurrent claims of one key (two replicas) serialise on the row, exactly one wins.
   */
  async claim(sensor: string, scope: 'dedup' | 'once', key: string, at: Date, withinMs: number): Promise<boolean> {
    const until = new Date(at.getTime() + withinMs);
    const { rows } = await sql<{ key: string }>`
      INSERT INTO sensor_marks (sensor, scope, key, until) VALUES (${sensor}, ${scope}, ${key}, ${until})
      ON CONFLICT (sensor, scope, key) DO UPDATE SET until = EXCLUDED.until WHERE sensor_marks.until <= ${at}
      RETURNING key`.execute(this.trx);
    return rows.length > 0;
  }

  /**
   * Takes one request from a trigger's rate limit (`max` within `perMs` before `at`, across all
   * keys): true and recorded when there is room, false when it is used up. Serialised per trigger.
   */
  async takeRate(sensor: string, trigger: string, at: Date, max: number, perMs: number): Promise<boolean> {
    const key = `rate/${trigger}`;
    await sql`SELECT pg_advisory_xact_lock(${RATE_LOCK_CLASS}::int, hashtext(${`${sensor}/${key}`}))`.execute(this.trx);
    const since = new Date(at.getTime() - perMs);
    await this.trx
      .deleteFrom('sensor_window_events')
      .where('sensor', '=', sensor)
      .where('key', '=', key)
      .where('at', '<=', since)
      .execute();
    const row = await this.trx
      .selectFrom('sensor_window_events')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('sensor', '=', sensor)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (Number(row.count) >= max) return false;
    await this.trx.insertInto('sensor_window_events').values({ sensor, key, event_id: randomUUID(), at }).execute();
    return true;
  }

  /**
   * Marks the alert instance of `key` that started at `startsAt` as resolved until `at + forMs`
   * (scope `resolved` of `sensor_marks`, swept like the others).
   */
  async tombstone(sensor: string, key: string, startsAt: string, at: Date, forMs: number): Promise<void> {
    const until = new Date(at.getTime() + forMs);
    this.incidents?.forgetTombstone(key);
    await sql`
      INSERT INTO sensor_marks (sensor, scope, key, until) VALUES (${sensor}, 'resolved', ${instanceKey(key, startsAt)}, ${until})
      ON CONFLICT (sensor, scope, key) DO UPDATE SET until = GREATEST(sensor_marks.until, EXCLUDED.until)`.execute(
      this.trx,
    );
  }

  /** True while a {@link tombstone} of that alert instance stands. */
  async isTombstoned(sensor: string, key: string, startsAt: string, now: Date): Promise<boolean> {
    const until = this.incidents?.tombstoneUntil(sensor, key, startsAt);
    if (until !== undefined) return until !== null && until > now;
    const { rows } = await sql<{ key: string }>`
      SELECT key FROM sensor_marks
      WHERE sensor = ${sensor} AND scope = 'resolved' AND key = ${instanceKey(key, startsAt)} AND until > ${now}`.execute(
      this.trx,
    );
    return rows.length > 0;
  }
}

/** Deletes marks that expired before `now` (they no longer hold anything back). */
export async function sweepMarks(db: Pick<SensorTransaction, 'deleteFrom'>, now: Date): Promise<number> {
  const result = await db.deleteFrom('sensor_marks').where('until', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
