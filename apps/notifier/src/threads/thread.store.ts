import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { type Database, type HubDatabase, type NotificationThread } from '@hub/database';
import { ChannelHeldError } from '../channels/channel.errors.js';

/** Advisory-lock namespace (first key of the two-key form), so other services' locks never collide. */
const LOCK_NAMESPACE = 'hub.notifier.thread';

/**
 * The chat threads of one incident (`notification_threads`) and the notifier's per-step markers
 * (`hub_processed_events`), seen while holding the incident's lock. Every write commits at once: a
 * message posted to Slack is recorded before the next call, so a later failure never forgets it.
 */
export class IncidentThreads {
  constructor(
    /** The locked session's connection (receipts are written on it too). */
    readonly conn: Kysely<HubDatabase>,
    readonly incidentKey: string,
  ) {}

  list(): Promise<NotificationThread[]> {
    return this.conn
      .selectFrom('notification_threads')
      .selectAll()
      .where('incident_key', '=', this.incidentKey)
      .execute();
  }

  /** Records a new thread root; `sequence` is the update the root shows. */
  create(channel: string, conversation: string, threadTs: string, sequence: number): Promise<NotificationThread> {
    return this.conn
      .insertInto('notification_threads')
      .values({
        incident_key: this.incidentKey,
        channel,
        conversation,
        thread_ts: threadTs,
        last_sequence: sequence,
        reply_sequence: 0,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Moves the root's shown update forward to `sequence` (never back). */
  async advance(channel: string, sequence: number): Promise<void> {
    await this.conn
      .updateTable('notification_threads')
      .set({ last_sequence: sequence, updated_at: new Date() })
      .where('incident_key', '=', this.incidentKey)
      .where('channel', '=', channel)
      .where('last_sequence', '<', sequence)
      .execute();
  }

  /** The thread has the reply of `sequence`: its newest reply moves forward to it (never back). */
  async replied(channel: string, sequence: number): Promise<void> {
    await this.conn
      .updateTable('notification_threads')
      .set({ reply_sequence: sequence })
      .where('incident_key', '=', this.incidentKey)
      .where('channel', '=', channel)
      .where((eb) => eb.or([eb('reply_sequence', 'is', null), eb('reply_sequence', '<', sequence)]))
      .execute();
  }

  /** True when `step` was done for `eventId` before (a redelivery). */
  async isDone(step: string, eventId: string): Promise<boolean> {
    const row = await this.conn
      .selectFrom('hub_processed_events')
      .select('event_id')
      .where('consumer', '=', step)
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async markDone(step: string, eventId: string): Promise<void> {
    await this.conn
      .insertInto('hub_processed_events')
      .values({ consumer: step, event_id: eventId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/**
 * Serialises the work on one incident across handlers and replicas: a session-level advisory lock
 * on `hashtext(incident key)`, held on one pooled connection for the whole delivery. A transaction
 * lock (`pg_advisory_xact_lock`) would roll back the record of a root already posted to Slack when a
 * later call fails; with a session lock each write commits at once. The lock dies with the session,
 * so a crashed replica never leaves it held.
 *
 * The wait is bounded (`NOTIFIER_LOCK_WAIT_MS`): a delivery that cannot get the lock in time —
 * another one of the same incident is stuck in a slow vendor call — gives up with
 * {@link ChannelHeldError}, so it goes back through the retry tier instead of holding a pooled
 * connection and a prefetch slot for as long as the other one takes.
 */
export class ThreadStore {
  constructor(
    private readonly db: Database,
    private readonly lockWaitMs = 30_000,
  ) {}

  withIncident<T>(incidentKey: string, work: (threads: IncidentThreads) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (conn) => {
      const unlock = () =>
        sql`SELECT pg_advisory_unlock(hashtext(${LOCK_NAMESPACE}), hashtext(${incidentKey}))`.execute(conn);
      await this.lock(conn, incidentKey);
      let result: T;
      try {
        result = await work(new IncidentThreads(conn, incidentKey));
      } catch (error) {
        await unlock().catch(() => undefined);
        throw error;
      }
      await unlock();
      return result;
    });
  }

  private async lock(conn: Kysely<HubDatabase>, incidentKey: string): Promise<void> {
    const deadline = Date.now() + this.lockWaitMs;
    for (let pollMs = 25; ; pollMs = Math.min(pollMs * 2, 500)) {
      const { rows } = await sql<{ locked: boolean }>`
        SELECT pg_try_advisory_lock(hashtext(${LOCK_NAMESPACE}), hashtext(${incidentKey})) AS locked`.execute(conn);
      if (rows[0]?.locked === true) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new ChannelHeldError(
          'slack',
          `incident ${incidentKey} stayed locked by another delivery for ${this.lockWaitMs} ms`,
          this.lockWaitMs,
        );
      }
      await sleep(Math.min(pollMs, left));
    }
  }
}
