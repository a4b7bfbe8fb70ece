import { ConfigError, loadCoreConfig } from '@hub/config';
import { createDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL. */
async function main(): Promise<void> {
  const { db } = createDatabase(loadCoreConfig().DATABASE_URL, 1);
  try {
    const { applied } = await migrateToLatest(db);
    process.stdout.write(applied.length ? `migrated: ${applied.join(', ')}\n` : 'database schema is up to date\n');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : 'unknown error';
  process.stderr.write(`migrate: ${message}\n`);
  process.exitCode = 1;
});
