import { z } from 'zod';
import { ConfigError } from './config.errors.js';
import { parseDurationMs } from './duration.js';

export type Env = Record<string, string | undefined>;

/**
 * Parses `env` against a zod object schema whose keys are variable names; every problem is
 * collected into one {@link ConfigError}, so a deployment is fixed in one round trip.
 * Empty strings count as unset, so `FOO=` falls back to the default like a missing variable.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env = process.env): z.output<S> {
  const present: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') present[key] = value.trim();
  }
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.length > 0 ? issue.path.map(String).join('.') : '(environment)',
      // zod 4 issues carry no `input`: whether the variable was given decides "not set" vs. its message.
      problem:
        issue.code === 'invalid_type' && !Object.hasOwn(present, String(issue.path[0]))
          ? 'is required but not set'
          : issue.message,
    })),
  );
}

/** A URL of the given schemes; loopback URLs are fine (tests point integrations at fakes). */
export function urlVar(schemes: readonly string[]) {
  return z.string().refine(
    (value) => {
      try {
        return schemes.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { error: `must be a URL (${schemes.map((s) => `${s}://`).join(' or ')}…)` },
  );
}

/** A TCP port number. */
export const portVar = z.coerce
  .number({ error: 'must be a port number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be between 1 and 65535' })
  .max(65535, { error: 'must be between 1 and 65535' });

/** A positive whole number given as text. */
export const positiveIntVar = z.coerce.number({ error: 'must be a number' }).int().positive();

/** `true/false/1/0/yes/no`. */
export const boolVar = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * A duration in the hub's one grammar (`30s`, `15m`, `2h`, `1h30m`, `7d`) → milliseconds, over 0.
 * A bare whole number is milliseconds, like the `*_MS` variables (so a parsed value written back
 * as text means the same).
 */
export const durationVar = z.string().transform((value, ctx) => {
  const ms = /^\d+$/.test(value) ? Number(value) : parseDurationMs(value);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a duration like 30s, 15m, 2h, 1h30m or 7d (a bare number is milliseconds), over 0',
    });
    return z.NEVER;
  }
  return ms;
});
