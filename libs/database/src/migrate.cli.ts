import { loadCoreConfig } from '@hub/config';
import { createDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL. */
const { db } = createDatabase(loadCoreConfig().DATABASE_URL, 1);
try {
  const { applied } = await migrateToLatest(db);
  process.stdout.write(applied.length ? `migrated: ${applied.join(', ')}\n` : 'database schema is up to date\n');
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
