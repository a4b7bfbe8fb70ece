import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type Database, type HubDatabase, type NotificationThread } from '@hub/database';
import { ChannelHeldError } from '../channels/channel.errors.js';

/** Advisory-lock namespace (first key of the two-key form), so other services' locks never collide. */
const LOCK_NAMESPACE = 'hub.notifier.thread';

/** The two keys of an incident's advisory lock. */
function lockKeys(incidentKey: string): RawBuilder<unknown> {
  return sql`hashtext(${LOCK_NAMESPACE}), hashtext(${incidentKey})`;
}

/** What the Slack channel reads of a stored thread root. */
export type ThreadRow = Pick<
  NotificationThread,
  'channel' | 'conversation' | 'thread_ts' | 'last_sequence' | 'reply_sequence'
>;

/** The markers a delivery of one update of an incident reads and sets when it opens the incident. */
export interface OpenSteps {
  /** The thread's channel key (`slack:<channel>`): its root-try marker is set when it has no root yet. */
  readonly channel: string;
  readonly eventId: string;
  readonly incidentId: string;
  /** Marked once the root's post was tried (id: the incident id). */
  readonly rootTry: string;
  /** Marked once the update's reply was recorded (id: the event id). */
  readonly replyDone: string;
  /** Marked once the update's reply was tried (id: the event id). */
  readonly replyTry: string;
}

/** What {@link IncidentThreads.open} found. */
export interface IncidentView {
  readonly threads: ThreadRow[];
  /** The update's reply was recorded before (a redelivery). */
  readonly replied: boolean;
  /** This delivery set the root-try marker: no earlier try may have posted the root. */
  readonly rootFirstTry: boolean;
  /** This delivery set the reply-try marker: no earlier try may have posted the reply. */
  readonly replyFirstTry: boolean;
}

/**
 * The chat threads of one incident (`notification_threads`) and the notifier's per-step markers
 * (`hub_processed_events`), seen while holding the incident's lock. One statement opens the
 * incident (threads, the reply's marker, and the try markers set before any post); the writes are
 * statement parts ({@link RawBuilder}) that the channel records with its receipts in one statement
 * right after its calls, so a message posted to Slack is recorded before the next delivery. That
 * statement also frees the incident's lock ({@link IncidentThreads.finish}).
 */
export class IncidentThreads {
  private released = false;

  constructor(
    /** The locked session's connection (receipts are written on it too). */
    readonly conn: Kysely<HubDatabase>,
    readonly incidentKey: string,
  ) {}

  /** Whether the statement that recorded the delivery freed the lock already. */
  get unlocked(): boolean {
    return this.released;
  }

  /**
   * Runs the statement that records the delivery with the lock's release in it (`release`: an
   * expression its primary query evaluates), so the delivery costs no unlock statement of its own.
   * The session lock is handed to the statement's transaction first (`pg_advisory_xact_lock` on the
   * same keys, granted at once to the session that holds them), then freed: the incident stays locked
   * until the records commit, so the next delivery's snapshot sees them. Freeing the session lock
   * alone would let another delivery in before the commit, reading the threads without this one's root.
   */
  async finish(record: (release: RawBuilder<unknown>) => Promise<void>): Promise<void> {
    const keys = lockKeys(this.incidentKey);
    await record(sql`(WITH handed AS (SELECT pg_advisory_xact_lock(${keys}))
      SELECT pg_advisory_unlock(${keys}) FROM handed)`);
    this.released = true;
  }

  /**
   * Reads the threads and whether the reply was recorded, and sets the try markers (committed at
   * once, before any post): the root's when the channel has no root yet, the reply's when it was
   * not recorded. A marker that was there already is an earlier try that may have posted.
   */
  async open(steps: OpenSteps): Promise<IncidentView> {
    const { rows } = await sql<{
      threads: ThreadRow[] | null;
      replied: boolean;
      root_first_try: boolean;
      reply_first_try: boolean;
    }>`
      WITH threads AS (
        SELECT channel, conversation, thread_ts, last_sequence, reply_sequence FROM notification_threads
        WHERE incident_key = ${this.incidentKey}),
      done AS (
        SELECT 1 FROM hub_processed_events WHERE consumer = ${steps.replyDone} AND event_id = ${steps.eventId}),
      root_try AS (
        INSERT INTO hub_processed_events (consumer, event_id)
        SELECT ${steps.rootTry}, ${steps.incidentId}
        WHERE NOT EXISTS (SELECT 1 FROM threads WHERE channel = ${steps.channel})
        ON CONFLICT DO NOTHING RETURNING 1),
      reply_try AS (
        INSERT INTO hub_processed_events (consumer, event_id)
        SELECT ${steps.replyTry}, ${steps.eventId} WHERE NOT EXISTS (SELECT 1 FROM done)
        ON CONFLICT DO NOTHING RETURNING 1)
      SELECT (SELECT json_agg(threads) FROM threads) AS threads,
        EXISTS (SELECT 1 FROM done) AS replied,
        EXISTS (SELECT 1 FROM root_try) AS root_first_try,
        EXISTS (SELECT 1 FROM reply_try) AS reply_first_try`.execute(this.conn);
    const row = rows[0]!;
    return {
      threads: row.threads ?? [],
      replied: row.replied,
      rootFirstTry: row.root_first_try,
      replyFirstTry: row.reply_first_try,
    };
  }

  /** Records a new thread root showing `thread.last_sequence` (and its reply, `reply_sequence`). */
  create(thread: ThreadRow): RawBuilder<unknown> {
    return sql`INSERT INTO notification_threads
      (incident_key, channel, conversation, thread_ts, last_sequence, reply_sequence)
      VALUES (${this.incidentKey}, ${thread.channel}, ${thread.conversation}, ${thread.thread_ts},
        ${thread.last_sequence}, ${thread.reply_sequence})`;
  }

  /**
   * Moves a stored root forward to `sequence` (never back): the update it shows when `edited`, its
   * newest reply when `replied`. One write per root and statement.
   */
  moveTo(channel: string, sequence: number, moved: { edited: boolean; replied: boolean }): RawBuilder<unknown> {
    const edited = sql`(${moved.edited}::boolean AND last_sequence < ${sequence})`;
    return sql`UPDATE notification_threads SET
        last_sequence = CASE WHEN ${edited} THEN ${sequence} ELSE last_sequence END,
        updated_at = CASE WHEN ${edited} THEN now() ELSE updated_at END,
        reply_sequence = CASE WHEN ${moved.replied}::boolean AND (reply_sequence IS NULL OR reply_sequence < ${sequence})
          THEN ${sequence} ELSE reply_sequence END
      WHERE incident_key = ${this.incidentKey} AND channel = ${channel}`;
  }

  markDone(step: string, eventId: string): RawBuilder<unknown> {
    return sql`INSERT INTO hub_processed_events (consumer, event_id) VALUES (${step}, ${eventId})
      ON CONFLICT DO NOTHING`;
  }

  /** Removes a marker this delivery set and turned out not to need (a reply held, or never tried). */
  unmark(step: string, eventId: string): RawBuilder<unknown> {
    return sql`DELETE FROM hub_processed_events WHERE consumer = ${step} AND event_id = ${eventId}`;
  }
}

/**
 * Serialises the work on one incident across handlers and replicas: a session-level advisory lock
 * on `hashtext(incident key)`, held on one pooled connection for the whole delivery. A transaction
 * lock (`pg_advisory_xact_lock`) would roll back the record of a root already posted to Slack when a
 * later call fails; with a session lock each write commits at once. The lock dies with the session,
 * so a crashed replica never leaves it held. It is taken by a statement of its own, before the one
 * that reads the threads: a statement's snapshot is taken when it starts, so taking the lock inside
 * the read would let it miss what the lock's previous holder committed in between.
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

  /**
   * Runs `work` under the incident's lock. It is freed by the statement that records the delivery
   * ({@link IncidentThreads.finish}), else by an unlock of its own after `work` (nothing to record,
   * or that statement failed).
   */
  withIncident<T>(incidentKey: string, work: (threads: IncidentThreads) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (conn) => {
      const unlock = () => sql`SELECT pg_advisory_unlock(${lockKeys(incidentKey)})`.execute(conn);
      await this.lock(conn, incidentKey);
      const incident = new IncidentThreads(conn, incidentKey);
      let result: T;
      try {
        result = await work(incident);
      } catch (error) {
        if (!incident.unlocked) await unlock().catch(() => undefined);
        throw error;
      }
      if (!incident.unlocked) await unlock();
      return result;
    });
  }

  private async lock(conn: Kysely<HubDatabase>, incidentKey: string): Promise<void> {
    const deadline = Date.now() + this.lockWaitMs;
    for (let pollMs = 25; ; pollMs = Math.min(pollMs * 2, 500)) {
      const { rows } = await sql<{ locked: boolean }>`
        SELECT pg_try_advisory_lock(${lockKeys(incidentKey)}) AS locked`.execute(conn);
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
