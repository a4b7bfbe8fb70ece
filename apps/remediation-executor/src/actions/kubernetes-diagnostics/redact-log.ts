import { defaultRedactor } from '@hub/contracts';

/** `key=value`, `key: value` and `"key":"value"` pairs of a log line. */
const PAIR = /("?)([A-Za-z0-9_.-]+)\1(\s*[=:]\s*)("?)([^\s",;&]+)\4/g;
/** `Authorization: Bearer abc`: the scheme and the credential after it. */
const SCHEME = /\b(bearer|basic|token|digest)\s+[A-Za-z0-9._~+/=-]+/gi;

/**
 * A log line with its secrets removed by the hub's one redactor: each `key=value` pair goes
 * through it as `{ key: value }` (so `password=…`, `api_key: …`, `"token":"…"` lose the value,
 * with the same secret names as everywhere else), after credential schemes; then URL passwords.
 */
export function redactLogLine(line: string): string {
  const schemes = line.replace(SCHEME, (_m, scheme: string) => `${scheme} [REDACTED]`);
  const pairs = schemes.replace(PAIR, (match, q1: string, key: string, sep: string, q2: string, value: string) => {
    if (/^(bearer|basic|token|digest)$/i.test(value)) return match; // the scheme: its credential went above
    const redacted = defaultRedactor.redact({ [key]: value })[key];
    return redacted === value ? match : `${q1}${key}${q1}${sep}${q2}${redacted}${q2}`;
  });
  return defaultRedactor.redact(pairs);
}
