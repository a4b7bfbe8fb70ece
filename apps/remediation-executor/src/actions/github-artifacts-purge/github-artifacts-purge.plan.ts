import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { parseParams } from '../params.js';

/** The action kind (routing key `action.requested.github.artifacts.purge`). */
export const GITHUB_ARTIFACTS_PURGE_KIND = 'github.artifacts.purge';

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/**
 * Params of `github.artifacts.purge`: the `repositories` (`owner/name`, a list or comma-separated),
 * artifacts older than `maxAgeDays` (default 90) are deleted, oldest first, at most `maxDeletions`
 * per run across all repositories (default 200). The target only names the run (`build-artifacts`).
 */
const paramsSchema = z
  .object({
    repositories: z.preprocess(
      (value) =>
        typeof value === 'string'
          ? value
              .split(',')
              .map((r) => r.trim())
              .filter(Boolean)
          : value,
      z.array(z.string().regex(REPO, { error: 'must be owner/name' })).min(1),
    ),
    maxAgeDays: z.coerce.number().int().min(1).default(90),
    maxDeletions: z.coerce.number().int().min(1).max(10_000).default(200),
  })
  .loose();

export type ArtifactsPurgeParams = z.output<typeof paramsSchema>;

export function purgeParamsOf(request: ActionRequested): ArtifactsPurgeParams {
  return parseParams(request, paramsSchema);
}

/** What a purge would do: list each repository's artifacts, delete the old ones (which: only a run knows). */
export function planArtifactsPurge(request: ActionRequested): PlannedCall {
  const params = purgeParamsOf(request);
  return {
    integration: 'github',
    operation: 'artifacts.purge',
    request: {
      list: params.repositories.map((r) => `GET /repos/${r}/actions/artifacts`),
      delete: `DELETE /repos/{repository}/actions/artifacts/{id} for artifacts older than ${params.maxAgeDays} days`,
      maxDeletions: params.maxDeletions,
    },
  };
}
