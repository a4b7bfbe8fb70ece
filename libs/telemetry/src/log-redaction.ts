import { REDACTED } from '@hub/contracts';

/**
 * The keys whose values never reach a log line (exact names; the hub's redactor in
 * `@hub/contracts` matches by substring, which costs too much on every line). Headers as Node and
 * axios spell them, and the secret fields of the hub's configs and clients.
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
export const LOG_REDACTION_DEPTH = 3;

const SECRET_KEYS: ReadonlySet<string> = new Set(LOG_SECRET_KEYS);

/**
 * `object` with the value of every {@link LOG_SECRET_KEYS} key, at the top and up to
 * {@link LOG_REDACTION_DEPTH} levels down (through objects, arrays and errors), replaced by
 * `[REDACTED]`. One walk over what is there, copying only the objects on the way to a secret: a
 * line without secrets allocates nothing (pino's own `redact` walked ~100 wildcard paths per line,
 * a fifth of the gateway's CPU). The input is never changed. Used as pino's `log` and `bindings`
 * formatter by {@link createLogger}.
 */
export function redactLogObject<T extends object>(object: T): T {
  return redactLevel(object, 0) as T;
}

function redactLevel(value: object, depth: number): object {
  if (ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set) return value;
  let copy: Record<string, unknown> | unknown[] | undefined;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const child = (value as Record<string, unknown>)[key];
    let replaced = child;
    if (child !== undefined && SECRET_KEYS.has(key)) replaced = REDACTED;
    else if (depth < LOG_REDACTION_DEPTH && child !== null && typeof child === 'object') {
      replaced = redactLevel(child, depth + 1);
    }
    if (replaced === child) continue;
    copy ??= copyOf(value);
    Object.defineProperty(copy, key, { value: replaced, enumerable: true, writable: true, configurable: true });
  }
  return copy ?? value;
}

/**
 * A shallow copy with the same prototype and own properties (an Error keeps its message and stack),
 * each one writable, so a frozen object logged with a secret in it is copied, not thrown on.
 */
function copyOf(value: object): Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return [...(value as unknown[])];
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype === Object.prototype || prototype === null) {
    return Object.assign(Object.create(prototype) as Record<string, unknown>, value);
  }
  const descriptors = Object.getOwnPropertyDescriptors(value);
  for (const descriptor of Object.values(descriptors)) {
    descriptor.configurable = true;
    if ('value' in descriptor) descriptor.writable = true;
  }
  return Object.create(prototype, descriptors) as Record<string, unknown>;
}
