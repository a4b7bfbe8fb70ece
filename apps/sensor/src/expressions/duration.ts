import { formatDuration, parseDurationMs } from '@hub/config';
import { InvalidDurationError } from './expression.errors.js';

export { formatDuration };

/** `30s`, `10m`, `2h`, `1h30m`, `500ms`, `1d`, or `0` → milliseconds: the hub's one duration grammar (`@hub/config`). */
export function parseDuration(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    throw new InvalidDurationError(`"${text}" is not a duration (like 30s, 10m, 2h, 1h30m; units ms, s, m, h, d)`, {
      duration: text,
    });
  }
  return ms;
}
