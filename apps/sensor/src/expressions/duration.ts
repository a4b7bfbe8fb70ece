import { InvalidDurationError } from './expression.errors.js';

const UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** `30s`, `10m`, `2h`, `1h30m`, `500ms`, `1d`, or `0` → milliseconds (Prometheus-style durations). */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!WHOLE.test(trimmed)) {
    throw new InvalidDurationError(`"${text}" is not a duration (like 30s, 10m, 2h, 1h30m; units ms, s, m, h, d)`, {
      duration: text,
    });
  }
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART))
    total += Number(amount) * UNITS_MS[unit as keyof typeof UNITS_MS];
  return Math.round(total);
}

/** Milliseconds → the shortest readable duration (`90000` → `1m30s`), for messages. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['d', UNITS_MS.d],
    ['h', UNITS_MS.h],
    ['m', UNITS_MS.m],
    ['s', UNITS_MS.s],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 && parts.length === 0) parts.push(`${rest}ms`);
  return parts.join('');
}
