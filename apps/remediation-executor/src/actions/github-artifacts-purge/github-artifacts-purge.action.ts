import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { daysBetween } from '../params.js';
import { type GitHubClient, type RepoRef } from '../../provisioning/github/github.client.js';
import { GITHUB_ARTIFACTS_PURGE_KIND, planArtifactsPurge, purgeParamsOf } from './github-artifacts-purge.plan.js';

interface ArtifactLine {
  repository: string;
  id: number;
  name: string;
  sizeInBytes: number;
  createdAt: string;
  ageDays: number;
}

/**
 * `github.artifacts.purge` (the seed's "build artifacts older than 90 days are purged", weekly):
 * lists the Actions artifacts of each configured repository and deletes those older than
 * `maxAgeDays`, oldest first and at most `maxDeletions` per run. Every deletion is in the result
 * (`deleted`: repository, id, name, size, age) for the audit trail; a dry run lists `wouldDelete`
 * and deletes nothing. An artifact already gone is listed in `alreadyGone`.
 */
export class GitHubArtifactsPurgeAction implements Action {
  readonly kind = GITHUB_ARTIFACTS_PURGE_KIND;
  readonly readsInDryRun = true;

  constructor(
    private readonly client: GitHubClient,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  plan(request: ActionRequested): PlannedCall {
    return planArtifactsPurge(request);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const { repositories, maxAgeDays, maxDeletions } = purgeParamsOf(request);
    const now = this.clock();
    const lines: ArtifactLine[] = [];
    for (const repository of repositories) {
      for (const artifact of await this.client.listArtifacts(refOf(repository), context.signal)) {
        if (!artifact.createdAt) continue;
        const ageDays = daysBetween(new Date(artifact.createdAt), now);
        lines.push({ repository, ...artifact, createdAt: artifact.createdAt, ageDays });
      }
    }
    const expired = lines.filter((l) => l.ageDays >= maxAgeDays).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const chosen = expired.slice(0, maxDeletions);
    const deleted: ArtifactLine[] = [];
    const alreadyGone: ArtifactLine[] = [];
    if (!context.dryRun) {
      for (const line of chosen) {
        const gone = await this.client.deleteArtifact(refOf(line.repository), line.id, context.signal);
        (gone ? deleted : alreadyGone).push(line);
      }
    }
    return {
      details: {
        repositories,
        maxAgeDays,
        maxDeletions,
        listed: lines.length,
        ...(context.dryRun ? { wouldDelete: chosen } : { deleted, alreadyGone }),
        freedBytes: (context.dryRun ? chosen : deleted).reduce((sum, l) => sum + l.sizeInBytes, 0),
        leftForNextRun: expired.length - chosen.length,
      },
    };
  }
}

function refOf(repository: string): RepoRef {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
}
