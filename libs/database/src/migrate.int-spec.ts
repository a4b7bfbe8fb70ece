import { sql } from 'kysely';
import { createTestSchema, type TestSchema } from '@hub/testing';
import { createDatabase, type Database } from './database.js';
import { migrateToLatest } from './migrate.js';

describe(migrateToLatest.name, () => {
  let schema: TestSchema;
  let db: Database;

  beforeAll(async () => {
    schema = await createTestSchema();
    db = createDatabase(schema.url, 2).db;
  });

  afterAll(async () => {
    await db.destroy();
    await schema.drop();
  });

  it('creates every table once and is a no-op the second time', async () => {
    const first = await migrateToLatest(db);
    expect(first.applied[0]).toBe('0001-initial');
    expect(first.applied).toEqual([...first.applied].sort());
    expect((await migrateToLatest(db)).applied).toEqual([]);
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = ${schema.schema} ORDER BY table_name`.execute(
      db,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'action_runs',
        'hub_processed_events',
        'incident_history',
        'incidents',
        'notification_threads',
      ]),
    );
  });

  it('allows one open incident per key', async () => {
    const open = { key: 'fp-1', sensor: 's', status: 'firing', title: 't', labels: '{}', external_refs: '{}' };
    await db
      .insertInto('incidents')
      .values({ ...open, id: crypto.randomUUID() })
      .execute();
    await expect(
      db
        .insertInto('incidents')
        .values({ ...open, id: crypto.randomUUID() })
        .execute(),
    ).rejects.toThrow(/incidents_open_key/);
    await db
      .updateTable('incidents')
      .set({ resolved_at: new Date(), status: 'resolved' })
      .where('key', '=', 'fp-1')
      .execute();
    await db
      .insertInto('incidents')
      .values({ ...open, id: crypto.randomUUID() })
      .execute();
  });
});

describe('runOnce', () => {
  let schema: TestSchema;
  let db: Database;

  beforeAll(async () => {
    schema = await createTestSchema();
    db = createDatabase(schema.url, 4).db;
    await migrateToLatest(db);
  });

  afterAll(async () => {
    await db.destroy();
    await schema.drop();
  });

  it('runs the work once per consumer and event, and rolls the marker back with a failed work', async () => {
    const { runOnce } = await import('./run-once.js');
    const work = vi.fn(() => Promise.resolve('done'));
    expect(await runOnce(db, 'c', 'e1', work)).toEqual({ duplicate: false, result: 'done' });
    expect(await runOnce(db, 'c', 'e1', work)).toEqual({ duplicate: true });
    expect(await runOnce(db, 'other', 'e1', work)).toEqual({ duplicate: false, result: 'done' });
    await expect(runOnce(db, 'c', 'e2', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await runOnce(db, 'c', 'e2', work)).toEqual({ duplicate: false, result: 'done' });
    expect(work).toHaveBeenCalledTimes(3);
  });
});
