import { z } from 'zod';
import { boolVar, positiveIntVar, urlVar } from '@hub/config';
import { millisVar } from '../env-vars.js';

/** Slack's variables (`SLACK_TOKEN`; without it Slack requests go to the outbox). */
export const slackEnv = {
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
};

export type SlackSettings = z.output<z.ZodObject<typeof slackEnv>>;

/** `https://slack.com` or `https://slack.com/api` → `https://slack.com/api/` (what WebClient wants). */
export function slackApiBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return `${trimmed.endsWith('/api') ? trimmed : `${trimmed}/api`}/`;
}
