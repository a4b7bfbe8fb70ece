import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { parseParams } from '../params.js';

/** The action kind (routing key `action.requested.namespaces.cleanup-preview`). */
export const NAMESPACES_CLEANUP_PREVIEW_KIND = 'namespaces.cleanup-preview';

/** Never deleted, whatever their labels say. */
export const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

const EQUALITY_SELECTOR = /^[A-Za-z0-9./_-]+==?[A-Za-z0-9._-]+(?:,[A-Za-z0-9./_-]+(?:==?|!=)[A-Za-z0-9._-]*)*$/;

const paramsSchema = z
  .object({
    /** Which namespaces are previews: must start with a `key=value` requirement, so it can never mean "all". */
    labelSelector: z
      .string()
      .regex(EQUALITY_SELECTOR, { error: 'must start with a key=value requirement, like preview=true' })
      .default('preview=true'),
    /** Delete those created more than this many days ago. */
    maxAgeDays: z.coerce.number().int().min(1).max(3_650).default(14),
    /** At most this many deletions per run (the oldest first); the rest waits for the next run. */
    maxDeletions: z.coerce.number().int().min(1).max(500).default(20),
  })
  .loose();

export type CleanupParams = z.output<typeof paramsSchema>;

export function cleanupParamsOf(request: ActionRequested): CleanupParams {
  return parseParams(request, paramsSchema);
}

/** What a cleanup sends, for dry runs and the outbox. */
export function planCleanup(request: ActionRequested): PlannedCall {
  const { labelSelector, maxAgeDays, maxDeletions } = cleanupParamsOf(request);
  return {
    integration: 'kubernetes',
    operation: 'namespaces.cleanup-preview',
    request: {
      list: { method: 'GET', path: '/api/v1/namespaces', query: { labelSelector } },
      delete: {
        method: 'DELETE',
        path: '/api/v1/namespaces/<name>',
        for: `each namespace older than ${maxAgeDays} days, oldest first, at most ${maxDeletions}`,
      },
    },
  };
}
