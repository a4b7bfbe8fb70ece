import { z } from 'zod';
import {
  boolVar,
  ConfigError,
  type ConfigProblem,
  coreEnvSchema,
  durationVar,
  type Env,
  parseEnv,
  portVar,
  positiveIntVar,
  urlVar,
} from '@hub/config';
import { serviceQueues } from '@hub/messaging';
import { emailEnvShape, smtpProblems } from './channels/email/email.config.js';

const millisVar = z.coerce.number({ error: 'must be a number of milliseconds' }).int().nonnegative();

/** `1000,10000,60000` → [1000, 10000, 60000]: the delays of the transport's retry tiers. */
const delaysVar = z.string().transform((value, ctx) => {
  const delays = value.split(',').map((part) => Number(part.trim()));
  if (delays.some((d) => !Number.isInteger(d) || d <= 0)) {
    ctx.addIssue({ code: 'custom', message: 'must be comma-separated positive whole milliseconds' });
  }
  return delays;
});

/**
 * The notifier's variables: the core set, Slack (`SLACK_TOKEN`; without it Slack requests go to the
 * outbox), Teams (`TEAMS_WEBHOOK_URL`; likewise), email (`SMTP_*`, channels/email), the Grafana
 * trace link and the timing knobs.
 */
export const notifierEnvSchema = coreEnvSchema.extend({
  HUB_METRICS_PORT: portVar.default(9103),
  SLACK_TOKEN: z
    .string()
    .regex(/^xox[abpe]-/, { error: 'must be a Slack token (xoxb-…)' })
    .optional(),
  /** The Slack host; the Web API lives under `/api/` of it (`/api` in the value is accepted too). */
  SLACK_API_URL: urlVar(['http', 'https']).default('https://slack.com'),
  /** Per Slack HTTP request. */
  SLACK_TIMEOUT_MS: positiveIntVar.default(10_000),
  /** Retries of a Slack edit or look-up on network errors and 5xx, by the client (never of a post: docs/notifications.md). */
  SLACK_RETRIES: z.coerce.number({ error: 'must be a number' }).int().min(0).max(10).default(2),
  /** A 429 whose Retry-After is at most this is waited out in the handler; longer ones go to the retry tiers. */
  SLACK_MAX_RATE_LIMIT_WAIT_MS: millisVar.default(5_000),
  /**
   * The incident root carries the decision buttons (Acknowledge, Silence, Resolve, Approve / Deny).
   * Turn on once the Slack app's Interactivity points at the gateway (docs/notifications.md): without
   * it Slack answers a click with an error.
   */
  SLACK_INTERACTIVE: boolVar.default(false),
  TEAMS_WEBHOOK_URL: urlVar(['http', 'https']).optional(),
  TEAMS_TIMEOUT_MS: positiveIntVar.default(10_000),
  /** The uid of Grafana's Tempo data source, for the trace link (`GRAFANA_URL` turns the link on). */
  GRAFANA_TEMPO_DATASOURCE: z.string().min(1).default('tempo'),
  NOTIFIER_RETRY_DELAYS_MS: delaysVar.default([1_000, 10_000, 60_000]),
  /**
   * A Slack thread reply waits at most this long (from the event's time) for its predecessor's reply,
   * in the first retry tier, and never past the next-to-last tier; then it is posted out of order.
   */
  NOTIFIER_REPLY_HOLD_MS: millisVar.default(5_000),
  /** PostgreSQL connections of this process (each delivery in progress holds at most one). */
  NOTIFIER_DB_POOL_SIZE: positiveIntVar.default(10),
  /** Longest a delivery waits for its incident's lock (another delivery of it in a vendor call), then retries later. */
  NOTIFIER_LOCK_WAIT_MS: millisVar.default(30_000),
  /** How long receipts and chat threads (from their last update) are kept. */
  NOTIFIER_RETENTION: durationVar.default(30 * 86_400_000),
  ...emailEnvShape,
});

export type NotifierConfig = z.output<typeof notifierEnvSchema>;

/** Parses the environment; every bad variable and every inconsistent combination in one ConfigError. */
export function loadNotifierConfig(env: Env = process.env): NotifierConfig {
  let config: NotifierConfig | undefined;
  const problems: ConfigProblem[] = [];
  try {
    config = parseEnv(notifierEnvSchema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  problems.push(...smtpProblems(env));
  if (problems.length > 0) throw new ConfigError(problems);
  return config!;
}

/** The queue this service owns on the bus. */
export const NOTIFIER_QUEUE = serviceQueues.notifier.queue;

/** The routing file under `HUB_CONFIG_DIR`. */
export const ROUTING_FILE = 'notifier.yaml';

/** `https://slack.com` or `https://slack.com/api` → `https://slack.com/api/` (what WebClient wants). */
export function slackApiBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return `${trimmed.endsWith('/api') ? trimmed : `${trimmed}/api`}/`;
}
