import { z } from 'zod';
import { HUB_ISSUER_NAMES, isTopicPattern } from '@hub/contracts';
import { ConfigError } from './config.errors.js';
import { boolVar, durationVar, type Env, parseEnv, portVar, positiveIntVar, urlVar } from './env.js';

export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * `name:token` pairs → a map from token to its name. For ingest tokens the name is the source
 * recorded on the events the token brings in (`hubsource`), so a hub service's issuer name
 * (`sensor`, `scheduler`, …) is refused: consumers trust internal commands by it.
 */
const tokenPairsVar = (refuseIssuerNames: boolean) =>
  z.string().transform((value, ctx) => {
    const tokens = new Map<string, string>();
    for (const [index, pair] of value.split(',').entries()) {
      const trimmed = pair.trim();
      const colon = trimmed.indexOf(':');
      const source = trimmed.slice(0, colon);
      const token = trimmed.slice(colon + 1);
      if (colon <= 0 || token.length === 0 || !/^[A-Za-z0-9_.-]+$/.test(source)) {
        ctx.addIssue({ code: 'custom', message: `entry ${index + 1} must be source:token (source of [A-Za-z0-9_.-])` });
      } else if (refuseIssuerNames && HUB_ISSUER_NAMES.has(source.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          message: `source "${source}" is the name of a hub service (${[...HUB_ISSUER_NAMES].join(', ')}): pick another`,
        });
      } else if (token.length < 8) {
        ctx.addIssue({ code: 'custom', message: `the token of "${source}" must be at least 8 characters` });
      } else if (tokens.has(token)) {
        ctx.addIssue({ code: 'custom', message: `the token of "${source}" is also used by "${tokens.get(token)}"` });
      } else {
        tokens.set(token, source);
      }
    }
    return tokens;
  });

const ingestTokensVar = tokenPairsVar(true);
/** `name:token` pairs of the tokens that may read (`GET /v1/events`, `GET /v1/incidents/{key}`). */
const readTokensVar = tokenPairsVar(false);

/**
 * `source=pattern,pattern;source2=pattern` → source → the event types its token may send, as topic
 * patterns (`*` one word, `#` any words: `deployment.*`, `external.ci.#`).
 */
const ingestTokenTypesVar = z.string().transform((value, ctx) => {
  const limits = new Map<string, readonly string[]>();
  for (const [index, entry] of value.split(';').entries()) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const equals = trimmed.indexOf('=');
    const source = trimmed.slice(0, equals).trim();
    const patterns = trimmed
      .slice(equals + 1)
      .split(',')
      .map((p) => p.trim());
    const bad = patterns.filter((p) => !isTopicPattern(p));
    if (equals <= 0 || !/^[A-Za-z0-9_.-]+$/.test(source)) {
      ctx.addIssue({
        code: 'custom',
        message: `entry ${index + 1} must be source=pattern,pattern (like ci=deployment.*)`,
      });
    } else if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `"${source}": ${bad.map((p) => `"${p}"`).join(', ')} is no event type pattern (words of a-z0-9_- or * or #, dot-separated)`,
      });
    } else if (limits.has(source)) {
      ctx.addIssue({ code: 'custom', message: `"${source}" is listed twice` });
    } else {
      limits.set(source, patterns);
    }
  }
  return limits;
});

/**
 * Comma-separated secrets of a push source (several at once while one is rotated), each at least
 * 16 characters → the list.
 */
const secretListVar = z.string().transform((value, ctx) => {
  const secrets = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const [index, secret] of secrets.entries()) {
    if (secret.length < 16)
      ctx.addIssue({ code: 'custom', message: `secret ${index + 1} must be at least 16 characters` });
  }
  return secrets;
});

/** Variables every service reads (DESIGN.md, configuration contract). */
export const coreEnvSchema = z.object({
  AMQP_URL: urlVar(['amqp', 'amqps']).default(DEFAULT_AMQP_URL),
  DATABASE_URL: urlVar(['postgres', 'postgresql']).default(DEFAULT_DATABASE_URL),
  /**
   * Each connection prepares a statement once and then only runs it (libs/database). Off for a
   * pooler in transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
   */
  DATABASE_PREPARED_STATEMENTS: boolVar.default(true),
  HUB_CONFIG_DIR: z.string().default('./config'),
  HUB_DATA_DIR: z.string().default('./data'),
  HUB_EXCHANGE: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, { error: 'must be letters, digits, or _ . : -' })
    .default('hub.events'),
  HUB_PREFETCH: positiveIntVar.default(64),
  /**
   * Partition queues of each partitioned service (sensor, executor, notifier, ticketing): per-key
   * order across replicas. Must be equal in every service (each fails to start otherwise).
   */
  HUB_PARTITIONS: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, { error: 'must be 1 to 64' })
    .max(64, { error: 'must be 1 to 64' })
    .default(4),
  HUB_METRICS_PORT: portVar.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRAFANA_URL: urlVar(['http', 'https']).optional(),
  /** How long a consumer remembers an event it processed (redeliveries come within minutes; docs/operations.md, Retention). */
  HUB_PROCESSED_RETENTION: durationVar.default(7 * 86_400_000),
  /**
   * On SIGTERM, how long a consumer lets the handlers in hand finish before it requeues the rest
   * (no attempt spent). Below what the supervisor waits before SIGKILL: `npm start` 10 s, a pod its
   * terminationGracePeriodSeconds (the chart sets this 10 s below it).
   */
  HUB_SHUTDOWN_GRACE: durationVar.default(8_000),
  /** How often each service's retention sweeper deletes rows older than their setting. */
  HUB_RETENTION_SWEEP: durationVar.default(10 * 60_000),
});

/** Variables of the ingest gateway. */
export const gatewayEnvSchema = coreEnvSchema
  .extend({
    GATEWAY_PORT: portVar.default(8080),
    /** Default: every interface with tokens (or `HUB_INGEST_OPEN=true`), 127.0.0.1 without. */
    GATEWAY_HOST: z.string().optional(),
    GATEWAY_BODY_LIMIT: positiveIntVar.default(1024 * 1024),
    /** Most alerts one Alertmanager webhook may carry (413 above); set Alertmanager's `max_alerts` to match. */
    GATEWAY_MAX_ALERTS: positiveIntVar.default(1000),
    /** Deepest nesting of objects and arrays a JSON body may have (400 above): the handlers recurse over it. */
    GATEWAY_MAX_JSON_DEPTH: positiveIntVar.default(32),
    /** Longest a client may take to send a whole request, headers and body (408 and the connection closed above). */
    GATEWAY_REQUEST_TIMEOUT_MS: positiveIntVar.default(30_000),
    /** Requests one token (or, without a token, one address) may make per window; 0 turns the limit off. */
    GATEWAY_RATE_LIMIT: z.coerce.number({ error: 'must be a number' }).int().min(0).default(1200),
    GATEWAY_RATE_LIMIT_WINDOW: durationVar.default(60_000),
    HUB_INGEST_TOKENS: ingestTokensVar.optional(),
    HUB_INGEST_TOKEN_TYPES: ingestTokenTypesVar.optional(),
    /** Tokens of the read API (`name:token,…`); an ingest token cannot read, a read token cannot ingest. */
    HUB_READ_TOKENS: readTokensVar.optional(),
    /** Most bytes of events one `GET /v1/events` page holds (then `nextCursor`); at least one event always fits. */
    GATEWAY_READ_MAX_BYTES: positiveIntVar.default(4 * 1024 * 1024),
    /** Run without tokens on a non-loopback address on purpose (everyone may send events). */
    HUB_INGEST_OPEN: boolVar.default(false),
    /** Secrets of the GitHub webhook (`X-Hub-Signature-256`), comma-separated for rotation; unset: the route answers 401. */
    GITHUB_WEBHOOK_SECRET: secretListVar.optional(),
    /** Secret tokens of the GitLab webhook (`X-Gitlab-Token`), comma-separated; unset: the route answers 401. */
    GITLAB_WEBHOOK_TOKEN: secretListVar.optional(),
    /** The Slack app's signing secret(s) (`X-Slack-Signature` of button clicks); unset: the interactivity route answers 401. */
    SLACK_SIGNING_SECRET: secretListVar.optional(),
    /** Alertmanager whose v2 silences API mirrors the hub's label silences (so the source stops repeating); unset: no mirror. */
    ALERTMANAGER_URL: urlVar(['http', 'https']).optional(),
    HUB_ACCEPT_EXTERNAL_EVENTS: z.enum(['true', 'false']).default('true'),
  })
  .superRefine((config, ctx) => {
    const sources = new Set(config.HUB_INGEST_TOKENS?.values() ?? ['anonymous']);
    for (const source of config.HUB_INGEST_TOKEN_TYPES?.keys() ?? []) {
      if (!sources.has(source)) {
        ctx.addIssue({
          code: 'custom',
          path: ['HUB_INGEST_TOKEN_TYPES'],
          message: `"${source}" is not a source of HUB_INGEST_TOKENS (${[...sources].join(', ')})`,
        });
      }
    }
    for (const [token, reader] of config.HUB_READ_TOKENS ?? []) {
      const source = config.HUB_INGEST_TOKENS?.get(token);
      if (source !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['HUB_READ_TOKENS'],
          message: `the token of "${reader}" is also the ingest token of "${source}": a read token must be its own`,
        });
      }
    }
  });

export type CoreConfig = z.output<typeof coreEnvSchema>;
/** The gateway's settings, with the address it binds to decided (see {@link loadGatewayConfig}). */
export type GatewayConfig = Omit<z.output<typeof gatewayEnvSchema>, 'GATEWAY_HOST'> & { readonly GATEWAY_HOST: string };

export function loadCoreConfig(env?: Env): CoreConfig {
  return parseEnv(coreEnvSchema, env);
}

/**
 * The gateway's settings. Without `HUB_INGEST_TOKENS` it accepts events from anyone, so it binds to
 * 127.0.0.1 unless told otherwise, and binding to another address without tokens is refused unless
 * `HUB_INGEST_OPEN=true` says it is meant.
 */
export function loadGatewayConfig(env?: Env): GatewayConfig {
  const config = parseEnv(gatewayEnvSchema, env);
  const guarded = config.HUB_INGEST_TOKENS !== undefined;
  const host = config.GATEWAY_HOST ?? (guarded || config.HUB_INGEST_OPEN ? '0.0.0.0' : LOOPBACK);
  if (!guarded && !config.HUB_INGEST_OPEN && !isLoopback(host)) {
    throw new ConfigError([
      {
        variable: 'GATEWAY_HOST',
        problem:
          `binding to ${host} without HUB_INGEST_TOKENS would take events from anyone who can reach it: ` +
          'set HUB_INGEST_TOKENS=source:token,…, or HUB_INGEST_OPEN=true to run open on purpose',
      },
    ]);
  }
  return { ...config, GATEWAY_HOST: host };
}

const LOOPBACK = '127.0.0.1';

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
