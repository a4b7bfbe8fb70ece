/**
 * A process that holds a transaction open on `DATABASE_URL` while the test terminates its backend
 * (`pg_terminate_backend`), then runs another transaction. Prints `HOLDING` once inside the first,
 * `FIRST FAILED: <message>` / `FIRST DONE`, then `SECOND DONE` — or dies, which is the bug.
 */
import { sql } from 'kysely';
import { createDatabase } from '../database.js';

const { db } = createDatabase(process.env.DATABASE_URL!, 2, { applicationName: process.env.APP_NAME });
try {
  await db.transaction().execute(async (trx) => {
    await sql`SELECT 1`.execute(trx);
    process.stdout.write('HOLDING\n');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await sql`SELECT 1`.execute(trx);
  });
  process.stdout.write('FIRST DONE\n');
} catch (error) {
  process.stdout.write(`FIRST FAILED: ${(error as Error).message}\n`);
}
await sql`SELECT 1`.execute(db);
process.stdout.write('SECOND DONE\n');
await db.destroy();
