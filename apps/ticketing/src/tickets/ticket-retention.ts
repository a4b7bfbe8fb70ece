import { sql } from 'kysely';
import { processedMarkers, type RetentionRule } from '@hub/database';

/**
 * What the ticketing service's retention sweeper deletes: map rows of tickets that are done
 * (resolved, won't fix, abandoned claims, pre-resolved) and not touched for `keepMs`
 * (TICKETING_RETENTION, longer than the reopen window by configuration), and its processed
 * markers. Open tickets stay whatever their age. After its row is gone, a won't-fix ticket's
 * fingerprint firing again opens a new ticket.
 */
export function ticketRetentionRules(keepMs: number, processedMs: number, consumer: string): RetentionRule[] {
  return [
    processedMarkers(consumer, processedMs),
    {
      table: 'tickets',
      rows: 'done tickets',
      setting: 'TICKETING_RETENTION',
      keepMs,
      olderThan: (before) =>
        sql`status IN ('resolved', 'wontfix', 'abandoned', 'preresolved') AND updated_at < ${before}`,
    },
  ];
}
