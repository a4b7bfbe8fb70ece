import { type ColumnType, type Kysely } from 'kysely';
import { type HubEvent } from '@hub/contracts';

/** `event_log` (migrations 0007, 0015, 0024): every event the sensor consumed, keyed on source + id. */
export interface EventLogTable {
  id: string;
  type: string;
  source: string;
  key: string | null;
  time: ColumnType<Date, Date | string, Date | string>;
  received_at: ColumnType<Date, Date | string | undefined, never>;
  event: ColumnType<HubEvent, string, never>;
}

export interface EventLogTables {
  event_log: EventLogTable;
}

/** What to read from the event log; every field optional. */
export interface EventLogQuery {
  readonly type?: string;
  readonly key?: string;
  readonly since?: Date;
  readonly until?: Date;
  /** At most this many events (default 100). */
  readonly limit?: number;
}

/** Any Kysely handle or transaction whose database has `event_log` (the hub's, the sensor's). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever the database's other tables
type AnyDb = Kysely<any>;

/** The correlation key of an event: its `incidentkey` extension, else its subject. */
export function eventLogKey(event: HubEvent): string | null {
  return typeof event.incidentkey === 'string' ? event.incidentkey : (event.subject ?? null);
}

/** Records `event` once per source + id (a redelivery changes nothing; migration 0015). */
export async function recordEvent(handle: AnyDb, event: HubEvent): Promise<void> {
  const db = handle as Kysely<EventLogTables>;
  await db
    .insertInto('event_log')
    .values({
      id: event.id,
      type: event.type,
      source: event.source,
      key: eventLogKey(event),
      time: event.time,
      event: JSON.stringify(event),
    })
    .onConflict((oc) => oc.columns(['source', 'id']).doNothing())
    .execute();
}

/** Events matching `query`, oldest first. */
export async function queryEventLog(handle: AnyDb, query: EventLogQuery): Promise<HubEvent[]> {
  const db = handle as Kysely<EventLogTables>;
  let select = db.selectFrom('event_log').select('event');
  if (query.type) select = select.where('type', '=', query.type);
  if (query.key) select = select.where('key', '=', query.key);
  if (query.since) select = select.where('time', '>=', query.since);
  if (query.until) select = select.where('time', '<', query.until);
  const rows = await select
    .orderBy('time')
    .orderBy('id')
    .limit(query.limit ?? 100)
    .execute();
  return rows.map((row) => row.event);
}

/**
 * Deletes events the hub received before `before`; returns how many. By `received_at` (the
 * database's clock when the sensor recorded it, index of migration 0024), never the sender's
 * `time`: a sender whose clock is wrong, or who writes a time in the past or the future, can
 * neither have an event swept at once nor kept forever.
 */
export async function pruneEventLog(handle: AnyDb, before: Date): Promise<number> {
  const db = handle as Kysely<EventLogTables>;
  const result = await db.deleteFrom('event_log').where('received_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
