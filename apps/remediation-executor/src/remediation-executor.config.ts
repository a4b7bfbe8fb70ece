import { z } from 'zod';
import { boolVar, coreEnvSchema, durationVar, type Env, parseEnv, portVar, positiveIntVar, urlVar } from '@hub/config';
import { serviceQueues } from '@hub/messaging';

/**
 * The executor's variables: the core set, the execution policy (attempts, backoff, lock wait,
 * dry run) and the target systems. A target system that is not configured is not an error: its
 * actions go to the outbox (the embedded default).
 */
export const remediationExecutorEnvSchema = coreEnvSchema
  .extend({
    HUB_METRICS_PORT: portVar.default(9102),
    /** Every action is a dry run: validated and recorded, never sent. */
    HUB_DRY_RUN: boolVar.default(false),
    HUB_ACTION_MAX_ATTEMPTS: positiveIntVar.default(4),
    /** First retry delay; doubles per attempt up to HUB_ACTION_BACKOFF_MAX_MS. */
    HUB_ACTION_BACKOFF_MS: positiveIntVar.default(1_000),
    HUB_ACTION_BACKOFF_MAX_MS: positiveIntVar.default(30_000),
    /** How long an action waits for another action on the same target (or id) before it is retried later. */
    HUB_ACTION_LOCK_WAIT_MS: positiveIntVar.default(600_000),
    /** Actions running at once per replica (each holds one database session for its locks). */
    HUB_ACTION_CONCURRENCY: positiveIntVar.default(16),
    /** How long a finished action run (its record, and the idempotency of its action id) is kept. */
    EXECUTOR_RUN_RETENTION: durationVar.default(30 * 86_400_000),
    /** How often (and after how long) results the broker never confirmed are published again. */
    EXECUTOR_RESULT_RELAY_MS: positiveIntVar.default(30_000),
    /** Timeout of one HTTP request to a target system. */
    HUB_ACTION_REQUEST_TIMEOUT_MS: positiveIntVar.default(10_000),
    ARGOCD_URL: urlVar(['http', 'https']).optional(),
    ARGOCD_TOKEN: z.string().optional(),
    /** How long a sync may run (followed through `operationState.phase`) before the action fails. */
    ARGOCD_SYNC_TIMEOUT_MS: positiveIntVar.default(300_000),
    ARGOCD_POLL_INTERVAL_MS: positiveIntVar.default(2_000),
    KUBE_API_URL: urlVar(['http', 'https']).optional(),
    /** Bearer token for KUBE_API_URL (optional: `kubectl proxy` needs none). */
    KUBE_TOKEN: z.string().optional(),
    /** CA bundle of an https KUBE_API_URL whose certificate is not publicly trusted. */
    KUBE_CA_FILE: z.string().optional(),
    /** Path of a kubeconfig file (its current context), used when KUBE_API_URL is not set. */
    KUBECONFIG: z.string().optional(),
    /** API version of ExternalSecrets to patch (`v1beta1`, or `v1` for External Secrets 0.17+). */
    EXTERNAL_SECRETS_API_VERSION: z.enum(['v1beta1', 'v1']).default('v1beta1'),
    /** Argo Workflows server (`argo-workflows.submit`, S7 backups); unset → the outbox. */
    ARGO_WORKFLOWS_URL: urlVar(['http', 'https']).optional(),
    /** Bearer token for ARGO_WORKFLOWS_URL (optional: an Argo server in `server` auth mode needs none). */
    ARGO_WORKFLOWS_TOKEN: z.string().optional(),
    /** How long a submitted workflow is followed (`status.phase`) before the action fails. */
    ARGO_WORKFLOWS_TIMEOUT_MS: positiveIntVar.default(3_600_000),
    ARGO_WORKFLOWS_POLL_INTERVAL_MS: positiveIntVar.default(10_000),
    /** Atlassian Statuspage API (S6 `statuspage.update`); live when the token and page id are set. */
    STATUSPAGE_URL: urlVar(['http', 'https']).default('https://api.statuspage.io'),
    /** A Statuspage API key (sent as `Authorization: OAuth <key>`). */
    STATUSPAGE_TOKEN: z.string().min(1).optional(),
    STATUSPAGE_PAGE_ID: z.string().min(1).optional(),
    /** GitHub REST API of the S3 pipeline pull request (GitHub Enterprise: `https://<host>/api/v3`). */
    GITHUB_API_URL: urlVar(['http', 'https']).default('https://api.github.com'),
    /** Hosts (`host[:port]`) `http.request` may call, comma-separated; unset → its calls go to the outbox. */
    HUB_HTTP_ALLOWED_HOSTS: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      )
      .optional(),
    /** A token that may push branches and open pull requests; unset → the pull request goes to the outbox. */
    GITHUB_TOKEN: z.string().min(1).optional(),
  })
  .superRefine(
    (env, ctx) => {
      if (env.ARGOCD_URL && !env.ARGOCD_TOKEN) {
        ctx.addIssue({ code: 'custom', path: ['ARGOCD_TOKEN'], message: 'is required when ARGOCD_URL is set' });
      }
      if (env.ARGO_WORKFLOWS_TOKEN && !env.ARGO_WORKFLOWS_URL) {
        ctx.addIssue({
          code: 'custom',
          path: ['ARGO_WORKFLOWS_URL'],
          message: 'is required when ARGO_WORKFLOWS_TOKEN is set',
        });
      }
      if (env.STATUSPAGE_TOKEN && !env.STATUSPAGE_PAGE_ID) {
        ctx.addIssue({
          code: 'custom',
          path: ['STATUSPAGE_PAGE_ID'],
          message: 'is required when STATUSPAGE_TOKEN is set',
        });
      }
      if (env.STATUSPAGE_PAGE_ID && !env.STATUSPAGE_TOKEN) {
        ctx.addIssue({
          code: 'custom',
          path: ['STATUSPAGE_TOKEN'],
          message: 'is required when STATUSPAGE_PAGE_ID is set',
        });
      }
      if (env.KUBE_TOKEN && !env.KUBE_API_URL) {
        ctx.addIssue({ code: 'custom', path: ['KUBE_API_URL'], message: 'is required when KUBE_TOKEN is set' });
      }
    },
    { when: () => true },
  );

/** The executor's validated configuration. */
export type RemediationExecutorConfig = z.output<typeof remediationExecutorEnvSchema>;

/** Reads the executor's variables from `env` (default `process.env`); throws one ConfigError listing every problem. */
export function loadRemediationExecutorConfig(env?: Env): RemediationExecutorConfig {
  return parseEnv(remediationExecutorEnvSchema, env);
}

/** The queue this service owns on the bus. */
export const REMEDIATION_EXECUTOR_QUEUE = serviceQueues['remediation-executor'].queue;

/** Injection token of the configuration. */
export const EXECUTOR_CONFIG = Symbol('RemediationExecutorConfig');
