/** What a redacted value becomes: the key stays, so a record still says a secret was there. */
export const REDACTED = '[REDACTED]';

/**
 * Field and header names whose values are secrets, wherever they appear (the SIEM records, stored
 * action params, the read API, log lines). A name matches when it contains one of these, ignoring
 * case, `-`, `_` and spaces (`token` catches `slackToken` and `x-auth-token`).
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'token',
  'password',
  'passwd',
  'secret',
  'apiKey',
  'api-key',
  'privateKey',
  'credentials',
  'signature',
];

/**
 * Names that contain a secret name but hold none: what the Kubernetes API calls a Secret or an
 * ExternalSecret by (its name, a reference), never its content. Matched whole (normalised).
 */
export const NOT_SECRET_KEYS: readonly string[] = [
  'externalSecret',
  'externalSecrets',
  'secretName',
  'secretRef',
  'secretStoreRef',
  'tokenUrl',
];

/** `X-Api-Key`, `api_key` and `apiKey` are the same name to the redactor. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/** Credentials that show up as values under innocent names (`"header": "Bearer …"`). */
const CREDENTIAL_VALUE = /^(bearer|basic|splunk|token|digest)\s+\S+/i;
/** `scheme://user:password@host` → the password goes. */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]+@/gi;

/**
 * Removes secrets from a record before any sink sees it: the value of every object key whose name
 * contains one of the configured names (`token` catches `slackToken` and `x-auth-token`), header
 * values that carry a credential scheme, and passwords in URLs — but not the names in
 * {@link NOT_SECRET_KEYS} (`externalSecret`, `secretName`: references, not content). Keys and structure stay, so the
 * record still says that a token was there. Returns a copy; the input is not changed.
 */
export class Redactor {
  private readonly names: string[];
  private readonly notSecret: ReadonlySet<string>;

  constructor(names: readonly string[] = DEFAULT_REDACT_KEYS, notSecret: readonly string[] = NOT_SECRET_KEYS) {
    this.names = [...new Set(names.map(normalise).filter((name) => name !== ''))];
    this.notSecret = new Set(notSecret.map(normalise));
  }

  redact<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (value === null || typeof value !== 'object') return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = this.isSecretName(key) && item !== null && item !== '' ? REDACTED : this.walk(item);
    }
    return copy;
  }

  private isSecretName(key: string): boolean {
    const name = normalise(key);
    if (this.notSecret.has(name)) return false;
    return this.names.some((secret) => name.includes(secret));
  }

  private redactString(value: string): string {
    if (CREDENTIAL_VALUE.test(value)) return REDACTED;
    return value.includes('@') ? value.replace(URL_PASSWORD, `$1${REDACTED}@`) : value;
  }
}

/** The hub's one redactor with the default names: use it wherever data leaves a service or is stored. */
export const defaultRedactor = new Redactor(DEFAULT_REDACT_KEYS);

/** `value` with the default secret names redacted (see {@link Redactor}); a copy. */
export function redactSecrets<T>(value: T): T {
  return defaultRedactor.redact(value);
}
