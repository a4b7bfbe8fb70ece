import { z } from 'zod';

/** Which forge reported a `git.*` / `ci.*` / `registry.*` event: one shape whatever the vendor. */
export const gitProviderSchema = z.enum(['github', 'gitlab']);

/** A repository as the forges name it: `owner/name` (GitLab: the project's full path), and its last segment. */
const repositorySchema = z.object({
  fullName: z.string().min(1),
  name: z.string().min(1),
  url: z.string().optional(),
  defaultBranch: z.string().optional(),
});

/** `git.push`: commits reached a branch (a tag push is `git.tag.created`). */
export const gitPushSchema = z.object({
  provider: gitProviderSchema,
  repository: repositorySchema,
  ref: z.string().min(1),
  branch: z.string().optional(),
  before: z.string(),
  after: z.string(),
  deleted: z.boolean().optional(),
  commits: z.array(
    z.object({ id: z.string(), message: z.string(), author: z.string().optional(), url: z.string().optional() }),
  ),
  pusher: z.string().optional(),
  compareUrl: z.string().optional(),
});

/** `git.pull_request.opened|closed|merged|synchronized` (GitLab: merge requests). */
export const gitPullRequestSchema = z.object({
  provider: gitProviderSchema,
  repository: repositorySchema,
  number: z.number().int(),
  title: z.string(),
  action: z.enum(['opened', 'closed', 'merged', 'synchronized']),
  head: z.object({ ref: z.string(), sha: z.string() }),
  base: z.object({ ref: z.string() }),
  author: z.string().optional(),
  url: z.string().optional(),
});

/** `git.tag.created`. */
export const gitTagSchema = z.object({
  provider: gitProviderSchema,
  repository: repositorySchema,
  tag: z.string().min(1),
  sha: z.string(),
  pusher: z.string().optional(),
});

/** `ci.workflow.completed`: a GitHub Actions workflow run or a GitLab pipeline finished. */
export const ciWorkflowSchema = z.object({
  provider: gitProviderSchema,
  repository: repositorySchema,
  workflow: z.string(),
  runId: z.string(),
  /** success, failure, cancelled, skipped, timed_out, … (GitLab: success, failed → failure, canceled → cancelled). */
  conclusion: z.string(),
  branch: z.string().optional(),
  sha: z.string().optional(),
  url: z.string().optional(),
});

/** `registry.image.pushed`: a container image (tag) was published to a registry. */
export const registryImageSchema = z.object({
  provider: gitProviderSchema,
  repository: repositorySchema.optional(),
  /** Image without tag: `ghcr.io/acme/payments-api`. */
  image: z.string().min(1),
  tag: z.string().optional(),
  digest: z.string().optional(),
});

export type GitPush = z.output<typeof gitPushSchema>;
export type GitPullRequest = z.output<typeof gitPullRequestSchema>;
export type GitTag = z.output<typeof gitTagSchema>;
export type CiWorkflow = z.output<typeof ciWorkflowSchema>;
export type RegistryImage = z.output<typeof registryImageSchema>;
