import { sql } from 'kysely';
import { processedMarkers, type RetentionRule } from '@hub/database';

/**
 * What the notifier's retention sweeper deletes: receipts and chat threads older than `keepMs`
 * (NOTIFIER_RETENTION; a thread counts from its last update, so an incident that stays silent
 * longer than that gets a new root message), and its processed markers (HUB_PROCESSED_RETENTION).
 */
export function notifierRetentionRules(keepMs: number, processedMs: number): RetentionRule[] {
  return [
    processedMarkers('notifier:', processedMs),
    {
      table: 'notification_receipts',
      rows: 'receipts',
      setting: 'NOTIFIER_RETENTION',
      keepMs,
      olderThan: (before) => sql`sent_at < ${before}`,
    },
    {
      table: 'notification_threads',
      rows: 'threads not updated since',
      setting: 'NOTIFIER_RETENTION',
      keepMs,
      olderThan: (before) => sql`updated_at < ${before}`,
    },
  ];
}
