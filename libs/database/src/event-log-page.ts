import { type Kysely, sql } from 'kysely';
import { type HubEvent } from '@hub/contracts';
import { type EventLogQuery, type EventLogTables } from './event-log.js';

/** Where a page of the event log ends: the last event's receipt time (PostgreSQL's text, to the µs) and identity. */
export interface EventLogPosition {
  readonly receivedAt: string;
  readonly source: string;
  readonly id: string;
}

/** One page of the event log, newest received first. */
export interface EventLogPage {
  readonly events: HubEvent[];
  /** Where the next page starts; undefined when this page is the last. */
  readonly next?: EventLogPosition;
}

export interface EventLogPageOptions {
  /** At most this many events. */
  readonly limit: number;
  /** At most this many bytes of envelopes (their JSON text); the first event is taken whatever its size. */
  readonly maxBytes: number;
  /** Start after this position (the previous page's `next`). */
  readonly after?: EventLogPosition;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever the database's other tables
type AnyDb = Kysely<any>;

/**
 * A page of the event log in bounded memory: it first reads the size of each candidate envelope
 * (PostgreSQL measures, nothing large crosses the wire), keeps the newest ones that fit `maxBytes`,
 * and only then loads those envelopes. Ordered by `received_at` (the hub's clock, migration 0024),
 * then source and id, so the cursor is stable while new events arrive.
 */
export async function pageEventLog(
  handle: AnyDb,
  query: EventLogQuery,
  options: EventLogPageOptions,
): Promise<EventLogPage> {
  const db = handle as Kysely<EventLogTables>;
  let select = db
    .selectFrom('event_log')
    .select([
      sql<string>`received_at::text`.as('at'),
      'source',
      'id',
      sql<string>`octet_length(event::text)`.as('bytes'),
    ]);
  if (query.type) select = select.where('type', '=', query.type);
  if (query.key) select = select.where('key', '=', query.key);
  if (query.since) select = select.where('time', '>=', query.since);
  if (query.until) select = select.where('time', '<', query.until);
  const { after } = options;
  if (after) {
    select = select.where(
      sql<boolean>`(received_at, source, id) < (${after.receivedAt}::timestamptz, ${after.source}, ${after.id})`,
    );
  }
  const candidates = await select
    .orderBy('received_at', 'desc')
    .orderBy('source', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const chosen: typeof candidates = [];
  let bytes = 0;
  for (const row of candidates.slice(0, options.limit)) {
    bytes += Number(row.bytes);
    if (chosen.length > 0 && bytes > options.maxBytes) break;
    chosen.push(row);
  }
  if (chosen.length === 0) return { events: [] };
  const rows = await db
    .selectFrom('event_log')
    .select(['source', 'id', 'event'])
    .where(sql<boolean>`(source, id) IN (${sql.join(chosen.map((c) => sql`(${c.source}, ${c.id})`))})`)
    .execute();
  const byIdentity = new Map(rows.map((row) => [`${row.source}\u0000${row.id}`, row.event]));
  const events = chosen.flatMap((c) => byIdentity.get(`${c.source}\u0000${c.id}`) ?? []);
  const last = chosen.at(-1)!;
  return {
    events,
    ...(candidates.length > chosen.length ? { next: { receivedAt: last.at, source: last.source, id: last.id } } : {}),
  };
}
