import { sql } from 'kysely';
import { type RetentionRule } from '@hub/database';

/**
 * Finished action runs whose result the broker confirmed, older than `keepMs`
 * (EXECUTOR_RUN_RETENTION). The run row is the action's idempotency key: a request redelivered
 * after its run was deleted would run again, so keep it far longer than any redelivery (minutes).
 * Runs still running or unpublished are never deleted; provisioning requests (S3) go with the same
 * setting once finished (their steps with them), open ones never.
 */
export function runRetentionRules(keepMs: number): RetentionRule[] {
  return [
    {
      table: 'action_runs',
      rows: 'finished runs with a confirmed result',
      setting: 'EXECUTOR_RUN_RETENTION',
      keepMs,
      olderThan: (before) =>
        sql`finished_at IS NOT NULL AND result_published_at IS NOT NULL AND finished_at < ${before}`,
    },
    {
      table: 'provisioning_requests',
      rows: 'finished provisioning requests (and their steps)',
      setting: 'EXECUTOR_RUN_RETENTION',
      keepMs,
      olderThan: (before) => sql`finished_at IS NOT NULL AND finished_at < ${before}`,
    },
  ];
}
