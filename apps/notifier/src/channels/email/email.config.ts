import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type ConfigProblem, portVar, positiveIntVar, urlVar } from '@hub/config';

/** `hub@example.com` or `Hub <hub@example.com>`. */
const FROM = /^(?:[^<>@,;"]*<)?[^\s<>@,;"]+@[A-Za-z0-9.-]+>?$/;

/**
 * The email channel's variables (merged into the notifier's). The server is `SMTP_URL`
 * (`smtp://user:password@host:587`, `smtps://…:465`) or `SMTP_HOST` with `SMTP_PORT`, `SMTP_USER`,
 * `SMTP_PASSWORD`; without either, messages go to `$HUB_DATA_DIR/outbox/email.jsonl`.
 */
export const emailEnv = {
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

type EmailSettings = z.output<z.ZodObject<typeof emailEnv>>;

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

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1)$/i;
const SERVER_SETTINGS = ['SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_TLS', 'SMTP_TLS_CA_FILE'] as const;

/**
 * The SMTP server of the settings, undefined when none is configured (the outbox). Throws one
 * ConfigError with every problem across the variables: one server setting, a user with a password,
 * TLS agreeing with the URL's scheme, no password in clear over the network, a readable CA file,
 * no server setting without a server (a misspelt `SMTP_HOST`).
 */
export function smtpSettingsOf(settings: EmailSettings): SmtpSettings | undefined {
  const problems: ConfigProblem[] = [];
  const url = settings.SMTP_URL ? new URL(settings.SMTP_URL) : undefined;
  if (!url && !settings.SMTP_HOST) {
    for (const name of SERVER_SETTINGS) {
      if (settings[name] !== undefined)
        problems.push({ variable: name, problem: 'has no effect without SMTP_URL or SMTP_HOST' });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return undefined;
  }
  if (url && !url.hostname) problems.push({ variable: 'SMTP_URL', problem: 'names no host (smtp://host:587)' });
  if (url && settings.SMTP_HOST)
    problems.push({ variable: 'SMTP_HOST', problem: 'set SMTP_URL or SMTP_HOST, not both' });
  if (url?.port && settings.SMTP_PORT)
    problems.push({ variable: 'SMTP_PORT', problem: 'SMTP_URL names the port already' });
  const urlUser = url?.username ? decodeURIComponent(url.username) : undefined;
  if (urlUser && settings.SMTP_USER)
    problems.push({ variable: 'SMTP_USER', problem: 'SMTP_URL names the user already' });
  const user = urlUser ?? settings.SMTP_USER;
  const pass = (url?.password ? decodeURIComponent(url.password) : undefined) ?? settings.SMTP_PASSWORD;
  if (user && !pass) problems.push({ variable: 'SMTP_PASSWORD', problem: 'is required with an SMTP user' });
  if (pass && !user) problems.push({ variable: 'SMTP_USER', problem: 'is required with SMTP_PASSWORD' });
  const host = url ? url.hostname.replace(/^\[|\]$/g, '') : settings.SMTP_HOST!;
  if (url?.protocol === 'smtps:' && settings.SMTP_TLS !== undefined && settings.SMTP_TLS !== 'implicit') {
    problems.push({
      variable: 'SMTP_TLS',
      problem: `must be implicit (or unset) with an smtps:// SMTP_URL, not ${settings.SMTP_TLS}`,
    });
  }
  const tls = url?.protocol === 'smtps:' ? 'implicit' : (settings.SMTP_TLS ?? 'starttls');
  if (tls === 'none' && pass && !LOOPBACK.test(host)) {
    problems.push({
      variable: 'SMTP_TLS',
      problem: `none would send the SMTP password in clear to ${host}; use starttls or implicit (none is for loopback relays)`,
    });
  }
  let ca: string | undefined;
  if (settings.SMTP_TLS_CA_FILE) {
    try {
      ca = readFileSync(settings.SMTP_TLS_CA_FILE, 'utf8');
    } catch (error) {
      problems.push({ variable: 'SMTP_TLS_CA_FILE', problem: `cannot be read: ${(error as Error).message}` });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host,
    port: url?.port ? Number(url.port) : (settings.SMTP_PORT ?? (tls === 'implicit' ? 465 : 587)),
    tls,
    ...(user && pass ? { auth: { user, pass } } : {}),
    ...(ca ? { ca } : {}),
    from: settings.SMTP_FROM,
    timeoutMs: settings.SMTP_TIMEOUT_MS,
  };
}
