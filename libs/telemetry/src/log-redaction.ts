import { REDACTED } from '@hub/contracts';

/**
 * The keys whose values never reach a log line, as pino needs them (exact names; the hub's
 * redactor in `@hub/contracts` matches by substring, which pino's path redaction cannot do).
 * Headers as Node and axios spell them, and the secret fields of the hub's configs and clients.
 */
export const LOG_SECRET_KEYS: readonly string[] = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
  'x-hub-signature-256',
  'x-gitlab-token',
  'x-slack-signature',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'apiToken',
  'apiKey',
  'api_key',
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'client_secret',
  'privateKey',
  'credentials',
];

/** How deep under the logged object a secret key is still found (`err.config.headers.Authorization`). */
const DEPTH = 3;

function pathOf(prefix: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${prefix}${key}` : `${prefix}["${key}"]`;
}

/** pino's `redact` option: every secret key at the top and up to {@link DEPTH} levels down. */
export const LOG_REDACTION = {
  paths: LOG_SECRET_KEYS.flatMap((key) =>
    Array.from({ length: DEPTH + 1 }, (_, depth) => pathOf('*.'.repeat(depth), key)),
  ),
  censor: REDACTED,
};
