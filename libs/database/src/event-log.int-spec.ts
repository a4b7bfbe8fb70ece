import { type Kysely } from 'kysely';
import { createTestSchema, type TestSchema } from '@hub/testing';
import { createDatabase } from './database.js';
import { type EventLogTables, pruneEventLog, recordEvent } from './event-log.js';
import { migrateToLatest } from './migrate.js';

describe('event log retention', () => {
  let schema: TestSchema;
  let db: Kysely<EventLogTables>;

  beforeAll(async () => {
    schema = await createTestSchema();
    db = createDatabase(schema.url, 2).db as unknown as Kysely<EventLogTables>;
    await migrateToLatest(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await schema?.drop();
  });

  const event = (id: string, time: string) => ({
    specversion: '1.0' as const,
    datacontenttype: 'application/json',
    id,
    source: '/retention',
    type: 'alert.firing',
    time,
    data: {},
  });

  it('keeps by the time the hub received an event, whatever time its sender wrote', async () => {
    const day = 86_400_000;
    // Received just now, but the sender's clock says 2001 (or a replayed old event).
    await recordEvent(db, event('recent-old-time', '2001-01-01T00:00:00Z'));
    // Received 30 days ago, with a sender's time in the future.
    await recordEvent(db, event('old-future-time', '2099-01-01T00:00:00Z'));
    await db
      .updateTable('event_log')
      .set({ received_at: new Date(Date.now() - 30 * day) } as never)
      .where('id', '=', 'old-future-time')
      .execute();

    expect(await pruneEventLog(db, new Date(Date.now() - 14 * day))).toBe(1);
    const left = await db.selectFrom('event_log').select('id').execute();
    expect(left.map((r) => r.id)).toEqual(['recent-old-time']);
  });
});
