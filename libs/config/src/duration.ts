const UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * `30s`, `10m`, `2h`, `1h30m`, `500ms`, `1d`, or `0` → milliseconds (Prometheus-style durations),
 * undefined when the text is not one, so a config schema can report it with its path.
 */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) {
    total += Number(amount) * UNITS_MS[unit as keyof typeof UNITS_MS];
  }
  return Math.round(total);
}

/** Milliseconds → the shortest readable duration (`90000` → `1m30s`), for messages. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNITS_MS[unit];
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 && parts.length === 0) parts.push(`${rest}ms`);
  return parts.join('');
}
