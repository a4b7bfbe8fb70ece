import type {
  PackagePublishedEvent,
  PullRequestEvent,
  PushEvent,
  RegistryPackagePublishedEvent,
  Repository,
  WorkflowRunCompletedEvent,
} from '@octokit/webhooks-types';
import {
  type CiWorkflow,
  createEvent,
  type GitPullRequest,
  type GitPush,
  type GitTag,
  type RegistryImage,
} from '@hub/contracts';
import { eventIdOf } from '../push/delivery-ids.js';
import { type PushDelivery } from '../push/push-source.js';

export const GITHUB_SOURCE = 'github';

type Repo = GitPush['repository'];

/**
 * A verified GitHub delivery (`X-GitHub-Event` + body) as hub events: `push` → `git.push` (a new
 * tag: `git.tag.created`), `pull_request` → `git.pull_request.opened|closed|merged|synchronized`,
 * `workflow_run` completed → `ci.workflow.completed`, `package` / `registry_package` published
 * container → `registry.image.pushed`. Other events and actions are acknowledged, not published.
 * The event id is the delivery id (`X-GitHub-Delivery`), so a redelivery is the same event.
 */
export function mapGitHubEvent(kind: string, deliveryId: string, body: unknown): PushDelivery {
  const event = (type: string, subject: string, data: object, incidentkey?: string): PushDelivery => ({
    deliveryId,
    events: [
      createEvent({
        id: eventIdOf(GITHUB_SOURCE, deliveryId),
        type,
        source: `/github/${(data as { repository?: Repo }).repository?.fullName ?? 'unknown'}`,
        subject,
        data,
        hubsource: GITHUB_SOURCE,
        ...(incidentkey ? { incidentkey } : {}),
      }),
    ],
  });
  const ignored = (why: string): PushDelivery => ({ deliveryId, events: [], ignored: `${kind}: ${why}` });
  switch (kind) {
    case 'push': {
      const push = body as PushEvent;
      if (push.ref.startsWith('refs/tags/')) {
        if (!push.created || push.deleted) return ignored('a tag was moved or deleted');
        const tag: GitTag = {
          provider: 'github',
          repository: repositoryOf(push.repository),
          tag: push.ref.slice('refs/tags/'.length),
          sha: push.after,
          pusher: push.pusher.name,
        };
        return event('git.tag.created', tag.tag, tag);
      }
      return event('git.push', push.ref, gitPushOf(push));
    }
    case 'pull_request': {
      const pr = body as PullRequestEvent;
      const action = pullRequestAction(pr);
      if (!action) return ignored(`action ${pr.action} is not mapped`);
      const data: GitPullRequest = {
        provider: 'github',
        repository: repositoryOf(pr.repository),
        number: pr.pull_request.number,
        title: pr.pull_request.title,
        action,
        head: { ref: pr.pull_request.head.ref, sha: pr.pull_request.head.sha },
        base: { ref: pr.pull_request.base.ref },
        author: pr.pull_request.user.login,
        url: pr.pull_request.html_url,
      };
      return event(
        `git.pull_request.${action}`,
        `#${data.number}`,
        data,
        `pr:${data.repository.fullName}#${data.number}`,
      );
    }
    case 'workflow_run': {
      const run = body as WorkflowRunCompletedEvent;
      if (run.action !== 'completed') return ignored(`action ${String(run.action)} is not mapped`);
      const data: CiWorkflow = {
        provider: 'github',
        repository: repositoryOf(run.repository),
        workflow: run.workflow_run.name,
        runId: String(run.workflow_run.id),
        conclusion: run.workflow_run.conclusion ?? 'unknown',
        branch: run.workflow_run.head_branch ?? undefined,
        sha: run.workflow_run.head_sha,
        url: run.workflow_run.html_url,
      };
      const key = `ci:${data.repository.fullName}:${data.workflow}:${data.branch ?? ''}`;
      return event('ci.workflow.completed', data.workflow, withoutUndefined(data), key);
    }
    case 'package':
    case 'registry_package': {
      const image = registryImageOf(body as PackagePublishedEvent | RegistryPackagePublishedEvent);
      if (!image) return ignored('not a published container image');
      return event('registry.image.pushed', `${image.image}:${image.tag ?? ''}`, withoutUndefined(image));
    }
    default:
      return ignored('this event is not mapped (push, pull_request, workflow_run, package, registry_package are)');
  }
}

function gitPushOf(push: PushEvent): GitPush {
  return withoutUndefined({
    provider: 'github' as const,
    repository: repositoryOf(push.repository),
    ref: push.ref,
    branch: push.ref.startsWith('refs/heads/') ? push.ref.slice('refs/heads/'.length) : undefined,
    before: push.before,
    after: push.after,
    deleted: push.deleted,
    commits: push.commits.map((c) => ({
      id: c.id,
      message: c.message,
      author: c.author.username ?? c.author.name,
      url: c.url,
    })),
    pusher: push.pusher.name,
    compareUrl: push.compare,
  });
}

function pullRequestAction(pr: PullRequestEvent): GitPullRequest['action'] | undefined {
  switch (pr.action) {
    case 'opened':
    case 'reopened':
      return 'opened';
    case 'synchronize':
      return 'synchronized';
    case 'closed':
      return pr.pull_request.merged ? 'merged' : 'closed';
    case 'assigned':
    case 'auto_merge_disabled':
    case 'auto_merge_enabled':
    case 'converted_to_draft':
    case 'demilestoned':
    case 'dequeued':
    case 'edited':
    case 'enqueued':
    case 'labeled':
    case 'locked':
    case 'milestoned':
    case 'ready_for_review':
    case 'review_request_removed':
    case 'review_requested':
    case 'unassigned':
    case 'unlabeled':
    case 'unlocked':
      return undefined;
  }
}

function registryImageOf(event: PackagePublishedEvent | RegistryPackagePublishedEvent): RegistryImage | undefined {
  if (event.action !== 'published') return undefined;
  const pkg = 'registry_package' in event ? event.registry_package : event.package;
  if (!['container', 'docker'].includes(pkg.package_type.toLowerCase())) return undefined;
  const tag = pkg.package_version?.container_metadata?.tag;
  return {
    provider: 'github',
    repository: event.repository ? repositoryOf(event.repository) : undefined,
    image: `ghcr.io/${pkg.namespace}/${pkg.name}`.toLowerCase(),
    tag: tag?.name || undefined,
    digest: tag?.digest || undefined,
  };
}

function repositoryOf(repository: Repository): Repo {
  return {
    fullName: repository.full_name,
    name: repository.name,
    url: repository.html_url,
    defaultBranch: repository.default_branch,
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
