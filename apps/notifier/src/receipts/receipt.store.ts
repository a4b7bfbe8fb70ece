import { type Kysely } from 'kysely';
import { type HubDatabase, type NewNotificationReceipt } from '@hub/database';
import { type Notification } from '../notification.js';
import { type Destination } from '../routing/destination.js';

/** What one vendor call produced, as a channel reports it. */
export interface ReceiptFacts {
  readonly channel: 'slack' | 'teams';
  readonly mode: 'live' | 'outbox';
  readonly operation: 'root' | 'reply' | 'update' | 'message' | 'card' | 'follow-up' | 'digest';
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

  /** Whether a Teams card of this incident already went to `target` (later ones are follow-ups). */
  async hasTeamsCard(conn: Kysely<HubDatabase>, n: Notification, target: string): Promise<boolean> {
    const row = await conn
      .selectFrom('notification_receipts')
      .select('id')
      .where('incident_key', '=', n.incidentKey)
      .where('incident_id', '=', n.incidentId)
      .where('channel', '=', 'teams')
      .where('target', '=', target)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
