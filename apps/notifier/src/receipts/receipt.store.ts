import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type HubDatabase } from '@hub/database';
import { type Destination, type Notification } from '../notification.js';

/** What one vendor call produced, as a channel reports it. */
export interface ReceiptFacts {
  /** The channel's name (`Channel.name`). */
  readonly channel: string;
  readonly mode: 'live' | 'outbox';
  /** What the call did (`root`, `reply`, `update`, `message`, `card`, `follow-up`, `digest`, …), per channel. */
  readonly operation: string;
  readonly target: string;
  readonly conversation?: string;
  readonly messageTs?: string;
  readonly httpStatus?: number;
  readonly detail?: Record<string, unknown>;
}

/** One receipt as written (`notification_receipts` without its generated columns; `detail` an object). */
export interface ReceiptRow {
  readonly event_id: string;
  readonly incident_key: string;
  readonly incident_id: string;
  readonly kind: string;
  readonly team: string | null;
  readonly destination: string;
  readonly channel: string;
  readonly mode: string;
  readonly operation: string;
  readonly target: string;
  readonly conversation: string | null;
  readonly message_ts: string | null;
  readonly http_status: number | null;
  readonly state: string | null;
  readonly sequence: number | null;
  readonly detail: Record<string, unknown>;
}

/** What else the statement that records receipts does. */
export interface RecordOptions {
  /**
   * Marks these events done for `step` (`hub_processed_events`) in the same statement, and records
   * only the receipts of the events it newly marked: the marker and the receipt commit together.
   */
  readonly mark?: { readonly step: string; readonly eventIds: readonly string[] };
  /** Further writes of the same statement (data-modifying CTEs: a marker, a thread's update). */
  readonly along?: readonly RawBuilder<unknown>[];
  /**
   * An expression the statement's primary query evaluates (the writes, all data-modifying CTEs then,
   * run to completion regardless): the release of the lock they were made under
   * (`IncidentThreads.finish`), so that no statement of its own frees it.
   */
  readonly release?: RawBuilder<unknown>;
}

const COLUMNS = sql.raw(
  'event_id, incident_key, incident_id, kind, team, destination, channel, mode, operation, target, ' +
    'conversation, message_ts, http_status, state, sequence, detail',
);

/**
 * Delivery receipts (`notification_receipts`, migration 0012). Written on the connection the channel
 * already holds, right after the vendor call, in one statement with the idempotency marker and the
 * state the call moved (no BEGIN/COMMIT, one round trip): a receipt exists for every call whose
 * success was recorded, and commits with its marker.
 */
export class ReceiptStore {
  /** The receipt of one vendor call for `n`. */
  rowOf(n: Notification, destination: Destination, facts: ReceiptFacts): ReceiptRow {
    return {
      event_id: n.eventId,
      incident_key: n.incidentKey,
      incident_id: n.incidentId,
      kind: n.kind,
      team: destination.team ?? null,
      destination: destination.name,
      channel: facts.channel,
      mode: facts.mode,
      operation: facts.operation,
      target: facts.target,
      conversation: facts.conversation ?? null,
      message_ts: facts.messageTs ?? null,
      http_status: facts.httpStatus ?? null,
      state: n.kind === 'incident' ? n.state : null,
      sequence: n.sequence,
      detail: n.traceId ? { traceId: n.traceId, ...facts.detail } : { ...facts.detail },
    };
  }

  /** Records `rows` (and what `options` adds) in one statement. */
  async record(conn: Kysely<HubDatabase>, rows: readonly ReceiptRow[], options: RecordOptions = {}): Promise<void> {
    const { mark, along = [], release } = options;
    const ctes: RawBuilder<unknown>[] = [];
    if (mark) {
      ctes.push(sql`marked AS (
        INSERT INTO hub_processed_events (consumer, event_id)
        SELECT ${mark.step}, unnest(${[...mark.eventIds]}::text[])
        ON CONFLICT DO NOTHING RETURNING event_id)`);
    }
    along.forEach((write, i) => ctes.push(sql`${sql.raw(`along_${i}`)} AS (${write})`));
    const insert = sql`INSERT INTO notification_receipts (${COLUMNS})
      SELECT ${COLUMNS} FROM json_populate_recordset(NULL::notification_receipts, ${JSON.stringify(rows)}::json) r
      ${mark ? sql`WHERE r.event_id IN (SELECT event_id FROM marked)` : sql``}`;
    if (release) {
      await sql`WITH ${sql.join([...ctes, sql`receipts AS (${insert})`])} SELECT ${release}`.execute(conn);
      return;
    }
    await sql`${ctes.length > 0 ? sql`WITH ${sql.join(ctes)}` : sql``} ${insert}`.execute(conn);
  }

  /** The targets `channel` recorded `operation` for, for this incident (the pages a paging channel opened). */
  async targetsOf(conn: Kysely<HubDatabase>, n: Notification, channel: string, operation: string): Promise<string[]> {
    const rows = await conn
      .selectFrom('notification_receipts')
      .select('target')
      .distinct()
      .where('incident_key', '=', n.incidentKey)
      .where('incident_id', '=', n.incidentId)
      .where('channel', '=', channel)
      .where('operation', '=', operation)
      .execute();
    return rows.map((row) => row.target);
  }
}

/** A condition on whether `channel` already sent something of this incident to `target` (a Teams card: later ones are follow-ups). */
export function hasReceipt(n: Notification, channel: string, target: string): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (SELECT 1 FROM notification_receipts
    WHERE incident_key = ${n.incidentKey} AND incident_id = ${n.incidentId}
      AND channel = ${channel} AND target = ${target})`;
}
