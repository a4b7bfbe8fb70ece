import { type Kysely } from 'kysely';
import { type HubDatabase, type NewNotificationReceipt } from '@hub/database';
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

/**
 * Delivery receipts (`notification_receipts`, migration 0012). Written on the connection or
 * transaction the channel already holds, right after the vendor call, so a receipt exists for every
 * call whose success was recorded (and commits with the idempotency marker where there is one).
 */
export class ReceiptStore {
  async record(
    conn: Kysely<HubDatabase>,
    n: Notification,
    destination: Destination,
    facts: ReceiptFacts,
  ): Promise<void> {
    const row: NewNotificationReceipt = {
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
      detail: JSON.stringify({ ...(n.traceId ? { traceId: n.traceId } : {}), ...facts.detail }),
    };
    await conn.insertInto('notification_receipts').values(row).execute();
  }

  /** Whether `channel` already sent something of this incident to `target` (a Teams card: later ones are follow-ups). */
  async hasReceipt(conn: Kysely<HubDatabase>, n: Notification, channel: string, target: string): Promise<boolean> {
    const row = await conn
      .selectFrom('notification_receipts')
      .select('id')
      .where('incident_key', '=', n.incidentKey)
      .where('incident_id', '=', n.incidentId)
      .where('channel', '=', channel)
      .where('target', '=', target)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
