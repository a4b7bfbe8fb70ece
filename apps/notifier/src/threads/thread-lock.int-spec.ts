import pg from 'pg';
import { sql } from 'kysely';
import { createDatabase, type Database, migrateToLatest } from '@hub/database';
import { createTestSchema, type TestSchema } from '@hub/testing';
import { ChannelHeldError } from '../channels/channel.errors.js';
import { ThreadStore } from './thread.store.js';

/** The per-incident lock has a bound: a delivery never waits forever behind a stuck one. */
describe('the notifier’s per-incident lock', () => {
  let schema: TestSchema;
  let db: Database;
  let holder: pg.Client;

  beforeAll(async () => {
    schema = await createTestSchema();
    db = createDatabase(schema.url, 4).db;
    await migrateToLatest(db);
    holder = new pg.Client({ connectionString: schema.url });
    await holder.connect();
  });

  afterAll(async () => {
    await holder?.end();
    await db?.destroy();
    await schema?.drop();
  });

  it('gives up after the lock wait with a retry-later error, and takes the lock once it is free', async () => {
    const store = new ThreadStore(db, 400);
    // Another delivery of the same incident holds the lock (stuck in a vendor call).
    await holder.query(`SELECT pg_advisory_lock(hashtext('hub.notifier.thread'), hashtext('inc-1/1'))`);
    const started = Date.now();
    const error = await store.withIncident('inc-1/1', () => Promise.resolve('ran')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelHeldError);
    expect((error as ChannelHeldError).message).toContain('stayed locked by another delivery for 400 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await store.withIncident('inc-2/1', () => Promise.resolve('other incident'))).toBe('other incident');

    await holder.query(`SELECT pg_advisory_unlock(hashtext('hub.notifier.thread'), hashtext('inc-1/1'))`);
    expect(await store.withIncident('inc-1/1', () => Promise.resolve('ran'))).toBe('ran');
  });

  it('frees the lock in the statement that records the delivery, once that statement commits', async () => {
    const store = new ThreadStore(db, 400);
    const tryLock = async () =>
      (
        await holder.query<{ locked: boolean }>(
          `SELECT pg_try_advisory_lock(hashtext('hub.notifier.thread'), hashtext('inc-3/1')) AS locked`,
        )
      ).rows[0]?.locked;
    const seen: (boolean | undefined)[] = [];
    await store.withIncident('inc-3/1', async (incident) => {
      // The record's statement in a transaction that stays open: the incident stays locked until it ends.
      await sql`BEGIN`.execute(incident.conn);
      await incident.finish(async (release) => {
        await sql`SELECT ${release}`.execute(incident.conn);
      });
      seen.push(await tryLock());
      await sql`COMMIT`.execute(incident.conn);
      seen.push(await tryLock());
    });
    expect(seen).toEqual([false, true]);
    await holder.query(`SELECT pg_advisory_unlock(hashtext('hub.notifier.thread'), hashtext('inc-3/1'))`);
  });
});
