import { sql } from 'kysely';
import { createTestSchema, type TestSchema } from '@hub/testing';
import { createDatabase, type Database } from './database.js';
import { migrateToLatest } from './migrate.js';
import { processedMarkers, type RetentionRule, RetentionSweeper } from './retention.js';

describe('RetentionSweeper', () => {
  let schema: TestSchema;
  let db: Database;

  beforeAll(async () => {
    schema = await createTestSchema();
    db = createDatabase(schema.url, 2).db;
    await migrateToLatest(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await schema?.drop();
  });

  const seed = async (consumer: string, count: number, ageMs: number) => {
    for (let i = 0; i < count; i++) {
      await schema.pool.query(
        `INSERT INTO hub_processed_events (consumer, event_id, processed_at) VALUES ($1, $2, now() - make_interval(secs => $3))`,
        [consumer, `${consumer}-${ageMs}-${i}`, ageMs / 1000],
      );
    }
  };
  const count = async (consumer: string) =>
    Number(
      (
        await schema.pool.query<{ n: string }>('SELECT count(*) AS n FROM hub_processed_events WHERE consumer = $1', [
          consumer,
        ])
      ).rows[0]?.n,
    );

  it('deletes in batches until done, and only rows older than the rule keeps', async () => {
    await seed('a', 7, 10_000);
    await seed('a', 3, 0);
    const sweeper = new RetentionSweeper(db, [processedMarkers('a', 5_000)], { intervalMs: 60_000, batch: 2 });
    expect(await sweeper.sweep()).toEqual({ 'hub_processed_events: processed markers of a*': 7 });
    expect(await count('a')).toBe(3);
  });

  it('stops after maxBatches per sweep and takes the rest next time', async () => {
    await seed('b', 5, 10_000);
    const sweeper = new RetentionSweeper(db, [processedMarkers('b', 5_000)], {
      intervalMs: 60_000,
      batch: 2,
      maxBatches: 1,
    });
    expect(Object.values(await sweeper.sweep())).toEqual([2]);
    expect(Object.values(await sweeper.sweep())).toEqual([2]);
    expect(await count('b')).toBe(1);
  });

  it('a prefix with LIKE wildcards matches them literally', async () => {
    await seed('c_1', 1, 10_000);
    await seed('cx1', 1, 10_000);
    await new RetentionSweeper(db, [processedMarkers('c_', 5_000)], { intervalMs: 60_000 }).sweep();
    expect([await count('c_1'), await count('cx1')]).toEqual([0, 1]);
  });

  it('a failing rule is reported and the others still run', async () => {
    await seed('d', 2, 10_000);
    const broken: RetentionRule = {
      table: 'no_such_table',
      rows: 'nothing',
      setting: 'X',
      keepMs: 1,
      olderThan: () => sql`true`,
    };
    const warnings: unknown[] = [];
    const sweeper = new RetentionSweeper(db, [broken, processedMarkers('d', 5_000)], {
      intervalMs: 60_000,
      logger: { log: () => undefined, warn: (m) => warnings.push(m) },
    });
    expect(await sweeper.sweep()).toEqual({
      'no_such_table: nothing': 0,
      'hub_processed_events: processed markers of d*': 2,
    });
    expect(JSON.stringify(warnings)).toContain('no_such_table');
  });

  it('start runs a first sweep soon after start-up, stop waits for a sweep in progress', async () => {
    await seed('e', 1, 10_000);
    const sweeper = new RetentionSweeper(db, [processedMarkers('e', 5_000)], { intervalMs: 200 });
    sweeper.start();
    await expect.poll(() => count('e'), { timeout: 5_000 }).toBe(0);
    await sweeper.stop();
  });
});
