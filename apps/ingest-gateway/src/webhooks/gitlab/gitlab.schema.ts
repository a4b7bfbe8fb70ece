import { z } from 'zod';

/**
 * The parts of GitLab's webhook payloads the hub reads (GitLab publishes no TypeScript types; the
 * fields are those of "Webhook events" in the GitLab docs). Unknown fields are ignored.
 */
const project = z.object({
  path_with_namespace: z.string().min(1),
  web_url: z.string().optional(),
  default_branch: z.string().nullish(),
});

export const gitLabPushSchema = z.object({
  object_kind: z.enum(['push', 'tag_push']),
  ref: z.string().min(1),
  before: z.string(),
  after: z.string(),
  user_username: z.string().optional(),
  project,
  commits: z
    .array(
      z.object({
        id: z.string(),
        message: z.string(),
        url: z.string().optional(),
        author: z.object({ name: z.string().optional() }).optional(),
      }),
    )
    .default([]),
});

export const gitLabMergeRequestSchema = z.object({
  object_kind: z.literal('merge_request'),
  user: z.object({ username: z.string() }).optional(),
  project,
  object_attributes: z.object({
    iid: z.number().int(),
    title: z.string(),
    action: z.string().optional(),
    source_branch: z.string(),
    target_branch: z.string(),
    last_commit: z.object({ id: z.string() }).optional(),
    url: z.string().optional(),
    /** Set on an `update` that pushed new commits. */
    oldrev: z.string().optional(),
  }),
});

export const gitLabPipelineSchema = z.object({
  object_kind: z.literal('pipeline'),
  project,
  object_attributes: z.object({
    id: z.number().int(),
    ref: z.string(),
    sha: z.string(),
    status: z.string(),
    name: z.string().nullish(),
    url: z.string().optional(),
  }),
});

export type GitLabProject = z.output<typeof project>;
