import { z } from 'zod';
import {
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

const millisVar = z.coerce.number({ error: 'must be a number of milliseconds' }).int().nonnegative();

/** `a,b, c` → ['a', 'b', 'c'] (names with spaces and apostrophes, like `Won't Do`, are fine). */
const namesVar = z.string().transform((value) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== ''),
);

/** `1000,10000,60000` → [1000, 10000, 60000]: the delays of the transport's retry tiers. */
const delaysVar = z.string().transform((value, ctx) => {
  const delays = value.split(',').map((part) => Number(part.trim()));
  if (delays.some((d) => !Number.isInteger(d) || d <= 0)) {
    ctx.addIssue({ code: 'custom', message: 'must be comma-separated positive whole milliseconds' });
  }
  return delays;
});

/**
 * The ticketing service's variables. The provider is JIRA when `JIRA_HOST` is set (Cloud REST v3
 * with `JIRA_EMAIL` + `JIRA_API_TOKEN`; Data Center / Server REST v2 with `JIRA_API_VERSION=2` and a
 * personal access token `JIRA_PAT`), ServiceNow when `SERVICENOW_URL` is set, else the outbox;
 * `TICKETING_PROVIDER` picks one when both are configured.
 */
export const ticketingEnvSchema = coreEnvSchema.extend({
  HUB_METRICS_PORT: portVar.default(9104),
  TICKETING_PROVIDER: z.enum(['jira', 'servicenow', 'outbox']).optional(),
  JIRA_HOST: urlVar(['http', 'https']).optional(),
  JIRA_API_VERSION: z.enum(['2', '3'], { error: 'must be 3 (Cloud) or 2 (Data Center / Server)' }).default('3'),
  JIRA_EMAIL: z.string().optional(),
  JIRA_API_TOKEN: z.string().optional(),
  /** Data Center / Server personal access token (sent as `Authorization: Bearer`). */
  JIRA_PAT: z.string().optional(),
  /** The workflow transition that closes a ticket (matched by name, case-insensitive). */
  JIRA_DONE_TRANSITION: z.string().min(1).default('Done'),
  /** The transition that reopens a closed ticket. */
  JIRA_REOPEN_TRANSITION: z.string().min(1).default('Reopen'),
  /** A resolution to set with the done transition (only when the transition's screen has the field). */
  JIRA_RESOLUTION: z.string().min(1).optional(),
  /** Resolutions that mean "we will not act on this": such tickets are never reopened. */
  JIRA_WONTFIX_RESOLUTIONS: namesVar.default(["Won't Fix", "Won't Do", 'Declined', 'Duplicate']),
  /** Add a comment (the reason) with the done transition. */
  JIRA_RESOLVE_COMMENT: z.enum(['true', 'false']).default('true'),
  SERVICENOW_URL: urlVar(['http', 'https']).optional(),
  SERVICENOW_USER: z.string().optional(),
  SERVICENOW_PASSWORD: z.string().optional(),
  /** An OAuth bearer token instead of user and password. */
  SERVICENOW_TOKEN: z.string().optional(),
  SERVICENOW_CLOSE_CODE: z.string().min(1).default('Solved (Permanently)'),
  /** Close codes that mean "we will not act on this": such incidents are never reopened. */
  SERVICENOW_WONTFIX_CLOSE_CODES: namesVar.default(['Not Solved (Not Reproducible)', 'Not Solved (Too Costly)']),
  /** A fingerprint that fires again this long after its ticket was resolved gets a new ticket, not a reopen. */
  TICKETING_REOPEN_WINDOW_MS: millisVar.default(24 * 3_600_000),
  /**
   * How long a claim whose create may have reached the vendor (a timeout, a 5xx) waits for the
   * vendor's search to show the ticket before it is created again (JQL search lags behind writes).
   */
  TICKETING_CLAIM_SETTLE_MS: millisVar.default(60_000),
  /** Per vendor HTTP request. */
  TICKETING_TIMEOUT_MS: positiveIntVar.default(10_000),
  /** Inline retries of a safe (read) call on network errors and 5xx before the retry tiers take over. */
  TICKETING_RETRIES: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be 0–10' })
    .max(10, { error: 'must be 0–10' })
    .default(2),
  /** A 429/503 with a Retry-After up to this is waited out in the handler; longer ones go to the retry tiers. */
  TICKETING_MAX_RATE_LIMIT_WAIT_MS: millisVar.default(5_000),
  GRAFANA_TEMPO_DATASOURCE: z.string().min(1).default('tempo'),
  TICKETING_RETRY_DELAYS_MS: delaysVar.default([1_000, 10_000, 60_000, 300_000]),
  /** PostgreSQL connections of this process; each handler in progress holds up to two. */
  TICKETING_DB_POOL_SIZE: positiveIntVar.default(10),
  /** How long the map keeps a ticket that is done (resolved, won't fix) after its last change; longer than the reopen window. */
  TICKETING_RETENTION: durationVar.default(180 * 86_400_000),
});

export type TicketingConfig = z.output<typeof ticketingEnvSchema>;
export type ProviderKind = 'jira' | 'servicenow' | 'outbox';

/** Parses the environment; every bad variable and every inconsistent combination in one ConfigError. */
export function loadTicketingConfig(env: Env = process.env): TicketingConfig {
  let config: TicketingConfig | undefined;
  const problems: ConfigProblem[] = [];
  try {
    config = parseEnv(ticketingEnvSchema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  problems.push(...combinationProblems(env));
  if (config && config.TICKETING_RETENTION <= config.TICKETING_REOPEN_WINDOW_MS) {
    problems.push({
      variable: 'TICKETING_RETENTION',
      problem: 'must be longer than TICKETING_REOPEN_WINDOW_MS (a resolved ticket must outlive its reopen window)',
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config!;
}

/** The provider the configuration selects. */
export function providerKind(config: TicketingConfig): ProviderKind {
  if (config.TICKETING_PROVIDER) return config.TICKETING_PROVIDER;
  if (config.JIRA_HOST) return 'jira';
  if (config.SERVICENOW_URL) return 'servicenow';
  return 'outbox';
}

/** Checks across variables, on the raw values so they are reported along with the per-variable ones. */
function combinationProblems(env: Env): ConfigProblem[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: ConfigProblem[] = [];
  const provider = env.TICKETING_PROVIDER?.trim();
  if (set('JIRA_HOST')) {
    if ((env.JIRA_API_VERSION ?? '3').trim() === '2') {
      if (!set('JIRA_PAT') && !(set('JIRA_EMAIL') && set('JIRA_API_TOKEN'))) {
        problems.push({
          variable: 'JIRA_PAT',
          problem: 'is required with JIRA_API_VERSION=2 (or JIRA_EMAIL + JIRA_API_TOKEN)',
        });
      }
    } else {
      for (const name of ['JIRA_EMAIL', 'JIRA_API_TOKEN']) {
        if (!set(name)) problems.push({ variable: name, problem: 'is required with JIRA_HOST (JIRA Cloud)' });
      }
    }
  }
  if (set('SERVICENOW_URL') && !set('SERVICENOW_TOKEN') && !(set('SERVICENOW_USER') && set('SERVICENOW_PASSWORD'))) {
    problems.push({
      variable: 'SERVICENOW_USER',
      problem: 'SERVICENOW_USER and SERVICENOW_PASSWORD (or SERVICENOW_TOKEN) are required with SERVICENOW_URL',
    });
  }
  if (set('JIRA_HOST') && set('SERVICENOW_URL') && !provider) {
    problems.push({
      variable: 'TICKETING_PROVIDER',
      problem: 'must be jira or servicenow when both JIRA_HOST and SERVICENOW_URL are set',
    });
  }
  if (provider === 'jira' && !set('JIRA_HOST'))
    problems.push({ variable: 'JIRA_HOST', problem: 'is required with TICKETING_PROVIDER=jira' });
  if (provider === 'servicenow' && !set('SERVICENOW_URL')) {
    problems.push({ variable: 'SERVICENOW_URL', problem: 'is required with TICKETING_PROVIDER=servicenow' });
  }
  return problems;
}

/** The queue this service owns on the bus. */
export const TICKETING_QUEUE = serviceQueues.ticketing.queue;
