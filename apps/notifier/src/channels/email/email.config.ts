import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type ConfigProblem, type Env, portVar, positiveIntVar, urlVar } from '@hub/config';

/** `hub@example.com` or `Hub <hub@example.com>`. */
const FROM = /^(?:[^<>@,;"]*<)?[^\s<>@,;"]+@[A-Za-z0-9.-]+>?$/;

/**
 * The email channel's variables (merged into the notifier's). The server is `SMTP_URL`
 * (`smtp://user:password@host:587`, `smtps://…:465`) or `SMTP_HOST` with `SMTP_PORT`, `SMTP_USER`,
 * `SMTP_PASSWORD`; without either, messages go to `$HUB_DATA_DIR/outbox/email.jsonl`.
 */
export const emailEnvShape = {
  SMTP_URL: urlVar(['smtp', 'smtps']).optional(),
  SMTP_HOST: z.string().min(1).optional(),
  /** Default 465 with `SMTP_TLS=implicit`, else 587 (submission). */
  SMTP_PORT: portVar.optional(),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  /**
   * `starttls` (default): upgrade with STARTTLS and refuse a server that does not offer it;
   * `implicit`: TLS from the first byte (port 465, `smtps://`); `none`: plain text (a loopback relay).
   */
  SMTP_TLS: z.enum(['starttls', 'implicit', 'none'], { error: 'must be starttls, implicit or none' }).optional(),
  /** A PEM file of the CA(s) that signed the server's certificate (a private relay), besides the system's. */
  SMTP_TLS_CA_FILE: z.string().min(1).optional(),
  /** The sender of every email; its domain also names the Message-IDs. */
  SMTP_FROM: z
    .string()
    .regex(FROM, { error: 'must be an address like hub@example.com or "Hub <hub@example.com>"' })
    .default('Hub <hub@localhost>'),
  /** Per SMTP connection: connect, greeting, and each command's answer. */
  SMTP_TIMEOUT_MS: positiveIntVar.default(10_000),
};

type EmailEnv = z.output<z.ZodObject<typeof emailEnvShape>>;

/** Where and how email is sent (resolved from the variables above). */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: 'starttls' | 'implicit' | 'none';
  readonly auth?: { readonly user: string; readonly pass: string };
  readonly ca?: string;
  readonly from: string;
  readonly timeoutMs: number;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;
const CREDENTIAL_VARIABLES = ['SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_TLS', 'SMTP_TLS_CA_FILE'] as const;

/**
 * Checks across the SMTP variables, on the raw values (reported with the per-variable problems):
 * one server setting, a user with a password, TLS agreeing with the URL's scheme, no password in
 * clear over the network, no SMTP setting without a server (a misspelt `SMTP_HOST`).
 */
export function smtpProblems(env: Env): ConfigProblem[] {
  const value = (name: string) => env[name]?.trim() || undefined;
  const problems: ConfigProblem[] = [];
  const url = parseUrl(value('SMTP_URL'));
  const host = value('SMTP_HOST') ?? url?.hostname;
  if (value('SMTP_URL') && value('SMTP_HOST')) {
    problems.push({ variable: 'SMTP_HOST', problem: 'set SMTP_URL or SMTP_HOST, not both' });
  }
  if (!value('SMTP_URL') && !value('SMTP_HOST')) {
    for (const name of CREDENTIAL_VARIABLES) {
      if (value(name)) problems.push({ variable: name, problem: 'has no effect without SMTP_URL or SMTP_HOST' });
    }
    return problems;
  }
  if (url?.port && value('SMTP_PORT')) {
    problems.push({ variable: 'SMTP_PORT', problem: 'SMTP_URL names the port already' });
  }
  const urlUser = url?.username ? decodeURIComponent(url.username) : undefined;
  if (urlUser && value('SMTP_USER')) {
    problems.push({ variable: 'SMTP_USER', problem: 'SMTP_URL names the user already' });
  }
  const user = urlUser ?? value('SMTP_USER');
  const password = (url?.password ? decodeURIComponent(url.password) : undefined) ?? value('SMTP_PASSWORD');
  if (user && !password) problems.push({ variable: 'SMTP_PASSWORD', problem: 'is required with an SMTP user' });
  if (password && !user) problems.push({ variable: 'SMTP_USER', problem: 'is required with SMTP_PASSWORD' });
  const tls = value('SMTP_TLS');
  if (url?.protocol === 'smtps:' && tls !== undefined && tls !== 'implicit') {
    problems.push({
      variable: 'SMTP_TLS',
      problem: `must be implicit (or unset) with an smtps:// SMTP_URL, not ${tls}`,
    });
  }
  if (tls === 'none' && password && host && !LOOPBACK.test(host)) {
    problems.push({
      variable: 'SMTP_TLS',
      problem: `none would send the SMTP password in clear to ${host}; use starttls or implicit (none is for loopback relays)`,
    });
  }
  const caFile = value('SMTP_TLS_CA_FILE');
  if (caFile) {
    try {
      readFileSync(caFile, 'utf8');
    } catch (error) {
      problems.push({ variable: 'SMTP_TLS_CA_FILE', problem: `cannot be read: ${(error as Error).message}` });
    }
  }
  return problems;
}

/** The SMTP server of valid variables; undefined when none is configured (the outbox). */
export function smtpSettingsOf(config: EmailEnv): SmtpSettings | undefined {
  const url = parseUrl(config.SMTP_URL);
  const host = url?.hostname.replace(/^\[|\]$/g, '') ?? config.SMTP_HOST;
  if (!host) return undefined;
  const tls = url?.protocol === 'smtps:' ? 'implicit' : (config.SMTP_TLS ?? 'starttls');
  const port = url?.port ? Number(url.port) : (config.SMTP_PORT ?? (tls === 'implicit' ? 465 : 587));
  const user = url?.username ? decodeURIComponent(url.username) : config.SMTP_USER;
  const pass = url?.password ? decodeURIComponent(url.password) : config.SMTP_PASSWORD;
  let ca: string | undefined;
  if (config.SMTP_TLS_CA_FILE) {
    try {
      ca = readFileSync(config.SMTP_TLS_CA_FILE, 'utf8');
    } catch (error) {
      throw new ConfigError([{ variable: 'SMTP_TLS_CA_FILE', problem: `cannot be read: ${(error as Error).message}` }]);
    }
  }
  return {
    host,
    port,
    tls,
    ...(user && pass ? { auth: { user, pass } } : {}),
    ...(ca ? { ca } : {}),
    from: config.SMTP_FROM,
    timeoutMs: config.SMTP_TIMEOUT_MS,
  };
}

function parseUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
