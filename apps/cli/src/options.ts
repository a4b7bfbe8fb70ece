import { parseDurationMs } from '@hub/config';
import { InvalidArgumentError } from 'commander';
import { type CommandIo, UsageError } from './command.js';

/**
 * The option values every command reads the same way. Durations are the sensors' and schedules'
 * grammar (`30s`, `15m`, `2h`, `1h30m`, `7d`), from `@hub/config`.
 */

/** `--older-than 1h30m` → milliseconds. */
export function duration(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new InvalidArgumentError('not a duration (like 30s, 15m, 2h, 1h30m, 7d)');
  return ms;
}

/** `--since`: an ISO time, or a duration back from now (`15m`, `2h`, `1h30m`, `7d`). */
export function since(value: string, now = Date.now()): Date {
  const ms = parseDurationMs(value);
  if (ms !== undefined) return new Date(now - ms);
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new InvalidArgumentError('not an ISO time or a duration back (15m, 2h, 1h30m, 7d)');
  return new Date(at);
}

/** `--at`: an ISO time. */
export function isoTime(value: string): Date {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new InvalidArgumentError('not an ISO time (like 2026-12-01T09:00:00Z)');
  return new Date(at);
}

/** A whole number from 1 to `max` (`--limit`, `--count`). */
export function positiveInt(max: number): (value: string) => number {
  return (value) => {
    if (!/^[1-9]\d*$/.test(value) || Number(value) > max)
      throw new InvalidArgumentError(`not a whole number from 1 to ${max}`);
    return Number(value);
  };
}

/** `--by`: who acts (a teams.yaml user name), else `$HUB_USER`, else `$USER`. */
export function who(io: CommandIo, by: string | undefined): string {
  const user = by ?? io.env.HUB_USER ?? io.env.USER;
  if (!user) throw new UsageError('say who you are: --by <user> (or $HUB_USER)');
  return user;
}
