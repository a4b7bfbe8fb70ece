import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as initial from './migrations/0001-initial.js';

/**
 * Every migration, in order. Listed here (not read from a folder) so the built `dist/` and the
 * TypeScript sources migrate the same way. Add new files as `NNNN-what.ts` and list them below;
 * never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export interface MigrationReport {
  applied: string[];
}

/** Brings the schema to the latest migration; replicas starting together serialise on Kysely's lock. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever the database's table types
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationReport> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : 'unknown error';
    const name = failed ? ` ${failed.migrationName}` : '';
    throw new Error(`database migration${name} failed: ${cause}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
