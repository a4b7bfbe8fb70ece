import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as sensor from './migrations/0004-sensor.js';
import * as executorResultPublished from './migrations/0005-executor-result-published.js';
import * as sensorNoise from './migrations/0006-sensor-noise.js';
import * as eventLog from './migrations/0007-event-log.js';
import * as sensorDeadlines from './migrations/0008-sensor-deadlines.js';
import * as sensorConditions from './migrations/0009-sensor-conditions.js';
import * as ticketing from './migrations/0010-ticketing.js';
import * as notificationReceipts from './migrations/0012-notification-receipts.js';
import * as scheduler from './migrations/0014-scheduler.js';
import * as eventIdentity from './migrations/0015-event-identity.js';
import * as webhookDeliveries from './migrations/0016-webhook-deliveries.js';
import * as ticketOrder from './migrations/0017-ticket-order.js';
import * as threadReplyOrder from './migrations/0018-thread-reply-order.js';
import * as provisioning from './migrations/0019-provisioning.js';
import * as eventSources from './migrations/0021-event-sources.js';
import * as eventLogReceivedAt from './migrations/0024-event-log-received-at.js';
import * as silencesApprovals from './migrations/0027-silences-approvals.js';

/**
 * Every migration, in order. Listed here (not read from a folder) so the built `dist/` and the
 * TypeScript sources migrate the same way. Add new files as `NNNN-what.ts` and list them below;
 * never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0004-sensor': sensor,
  '0005-executor-result-published': executorResultPublished,
  '0006-sensor-noise': sensorNoise,
  '0007-event-log': eventLog,
  '0008-sensor-deadlines': sensorDeadlines,
  '0009-sensor-conditions': sensorConditions,
  '0010-ticketing': ticketing,
  '0012-notification-receipts': notificationReceipts,
  '0014-scheduler': scheduler,
  '0015-event-identity': eventIdentity,
  '0016-webhook-deliveries': webhookDeliveries,
  '0017-ticket-order': ticketOrder,
  '0018-thread-reply-order': threadReplyOrder,
  '0019-provisioning': provisioning,
  '0021-event-sources': eventSources,
  '0024-event-log-received-at': eventLogReceivedAt,
  '0027-silences-approvals': silencesApprovals,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export interface MigrationReport {
  applied: string[];
}

/** Brings the schema to the latest migration; replicas starting together serialise on Kysely's lock. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever the database's table types
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationReport> {
  // Kysely looks for its own tables in any schema; pin them to ours, or a second schema in the same
  // database (tests, several installations) would find the first one's and skip creating its own.
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  const migrationTableSchema = rows[0]?.schema ?? 'public';
  const { error, results } = await new Migrator({ db, provider, migrationTableSchema }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : 'unknown error';
    const name = failed ? ` ${failed.migrationName}` : '';
    throw new Error(`database migration${name} failed: ${cause}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/**
 * A service's database at start-up: the pool, with the schema brought to the latest migration.
 * A failed migration closes the pool before it throws, so a service that cannot start leaves no
 * connection behind.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever the database's table types
export async function migrated<D extends Kysely<any>>(
  db: D,
  release: () => Promise<void> = () => db.destroy(),
): Promise<D> {
  try {
    await migrateToLatest(db);
  } catch (error) {
    await release();
    throw error;
  }
  return db;
}
