import { type CiWorkflow, createEvent, type GitPullRequest, type GitPush, type GitTag } from '@hub/contracts';
import { validate } from '../../errors/gateway.errors.js';
import { eventIdOf } from '../push/delivery-ids.js';
import { type PushDelivery } from '../push/push-source.js';
import {
  gitLabMergeRequestSchema,
  gitLabPipelineSchema,
  type GitLabProject,
  gitLabPushSchema,
} from './gitlab.schema.js';

export const GITLAB_SOURCE = 'gitlab';

const ZERO_SHA = /^0+$/;

/** GitLab's finished pipeline statuses in the words of `ci.workflow.completed` (GitHub's conclusions). */
const CONCLUSIONS: Readonly<Record<string, string>> = {
  success: 'success',
  failed: 'failure',
  canceled: 'cancelled',
  skipped: 'skipped',
};

/**
 * A verified GitLab delivery (`X-Gitlab-Event` + body) as the same `git.*` / `ci.*` events as GitHub's:
 * Push Hook → `git.push`, Tag Push Hook (new tag) → `git.tag.created`, Merge Request Hook →
 * `git.pull_request.opened|closed|merged|synchronized`, Pipeline Hook (finished) → `ci.workflow.completed`.
 */
export function mapGitLabEvent(kind: string, deliveryId: string, body: unknown): PushDelivery {
  const one = (type: string, subject: string, data: { repository: GitPush['repository'] }, incidentkey?: string) => ({
    deliveryId,
    events: [
      createEvent({
        id: eventIdOf(GITLAB_SOURCE, deliveryId),
        type,
        source: `/gitlab/${data.repository.fullName}`,
        subject,
        data,
        hubsource: GITLAB_SOURCE,
        ...(incidentkey ? { incidentkey } : {}),
      }),
    ],
  });
  const ignored = (why: string): PushDelivery => ({ deliveryId, events: [], ignored: `${kind}: ${why}` });
  switch (kind) {
    case 'Push Hook':
    case 'Tag Push Hook': {
      const push = validate(gitLabPushSchema, body, `The GitLab ${kind}`);
      const repository = repositoryOf(push.project);
      if (push.object_kind === 'tag_push') {
        if (!ZERO_SHA.test(push.before) || ZERO_SHA.test(push.after)) return ignored('a tag was moved or deleted');
        const tag = push.ref.replace(/^refs\/tags\//, '');
        const data: GitTag = { provider: 'gitlab', repository, tag, sha: push.after, pusher: push.user_username };
        return one('git.tag.created', tag, data);
      }
      const data: GitPush = {
        provider: 'gitlab',
        repository,
        ref: push.ref,
        ...(push.ref.startsWith('refs/heads/') ? { branch: push.ref.slice('refs/heads/'.length) } : {}),
        before: push.before,
        after: push.after,
        deleted: ZERO_SHA.test(push.after),
        commits: push.commits.map((c) => ({ id: c.id, message: c.message, author: c.author?.name, url: c.url })),
        pusher: push.user_username,
      };
      return one('git.push', push.ref, data);
    }
    case 'Merge Request Hook': {
      const mr = validate(gitLabMergeRequestSchema, body, 'The GitLab Merge Request Hook');
      const a = mr.object_attributes;
      const action = mergeRequestAction(a.action, a.oldrev);
      if (!action) return ignored(`action ${a.action ?? '(none)'} is not mapped`);
      const data: GitPullRequest = {
        provider: 'gitlab',
        repository: repositoryOf(mr.project),
        number: a.iid,
        title: a.title,
        action,
        head: { ref: a.source_branch, sha: a.last_commit?.id ?? '' },
        base: { ref: a.target_branch },
        author: mr.user?.username,
        url: a.url,
      };
      return one(`git.pull_request.${action}`, `!${a.iid}`, data, `pr:${data.repository.fullName}#${a.iid}`);
    }
    case 'Pipeline Hook': {
      const pipeline = validate(gitLabPipelineSchema, body, 'The GitLab Pipeline Hook');
      const a = pipeline.object_attributes;
      const conclusion = CONCLUSIONS[a.status];
      if (!conclusion) return ignored(`pipeline status ${a.status} is not final`);
      const data: CiWorkflow = {
        provider: 'gitlab',
        repository: repositoryOf(pipeline.project),
        workflow: a.name ?? 'pipeline',
        runId: String(a.id),
        conclusion,
        branch: a.ref,
        sha: a.sha,
        ...(a.url ? { url: a.url } : {}),
      };
      return one(
        'ci.workflow.completed',
        data.workflow,
        data,
        `ci:${data.repository.fullName}:${data.workflow}:${a.ref}`,
      );
    }
    default:
      return ignored('this event is not mapped (Push, Tag Push, Merge Request, Pipeline hooks are)');
  }
}

function mergeRequestAction(
  action: string | undefined,
  oldrev: string | undefined,
): GitPullRequest['action'] | undefined {
  switch (action) {
    case 'open':
    case 'reopen':
      return 'opened';
    case 'close':
      return 'closed';
    case 'merge':
      return 'merged';
    case 'update':
      return oldrev ? 'synchronized' : undefined;
    case undefined:
    default:
      return undefined;
  }
}

function repositoryOf(project: GitLabProject): GitPush['repository'] {
  return {
    fullName: project.path_with_namespace,
    name: project.path_with_namespace.split('/').at(-1) ?? project.path_with_namespace,
    ...(project.web_url ? { url: project.web_url } : {}),
    ...(project.default_branch ? { defaultBranch: project.default_branch } : {}),
  };
}
