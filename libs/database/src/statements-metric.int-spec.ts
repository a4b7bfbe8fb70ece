import { sql } from 'kysely';
import { register } from 'prom-client';
import { TEST_DATABASE_URL } from '@hub/testing';
import { createDatabase } from './database.js';

async function statements(): Promise<number> {
  const metric = await register.getSingleMetric('hub_db_statements_total')?.get();
  return metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
}

describe('hub_db_statements_total', () => {
  it('counts every statement a pool sends, BEGIN and COMMIT included, across pools', async () => {
    const first = createDatabase(TEST_DATABASE_URL, 2);
    const second = createDatabase(TEST_DATABASE_URL, 2);
    try {
      const before = await statements();
      await sql`SELECT 1`.execute(first.db);
      await first.db.transaction().execute(async (trx) => {
        await sql`SELECT 2`.execute(trx);
        await sql`SELECT 3`.execute(trx);
      });
      await second.pool.query('SELECT 4');
      // 1 + (BEGIN, 2 statements, COMMIT) + 1
      expect((await statements()) - before).toBe(6);
    } finally {
      await first.db.destroy();
      await second.db.destroy();
    }
  });
});
