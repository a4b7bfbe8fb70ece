import { type z } from 'zod';
import { coreEnvSchema, type Env, parseEnv, portVar, positiveIntVar } from '@hub/config';

/** The scheduler's variables: the core set plus how often it looks, when a slot counts as missed, the relay. */
export const schedulerEnvSchema = coreEnvSchema.extend({
  HUB_METRICS_PORT: portVar.default(9106),
  /** Longest sleep between two passes; a slot is published at most this late (plus its jitter). */
  SCHEDULER_TICK_MS: positiveIntVar.default(500),
  /** A slot published later than this after it was due was missed: its schedule's catch-up policy decides. */
  SCHEDULER_MISSED_AFTER_MS: positiveIntVar.default(60_000),
  /** How often (and after how long) claimed slots the broker never confirmed are published again. */
  SCHEDULER_RELAY_MS: positiveIntVar.default(30_000),
  /** How long fired slots are kept in `schedule_slots` (the last position is kept for ever). */
  SCHEDULER_RETENTION_MS: positiveIntVar.default(7 * 86_400_000),
});

export type SchedulerConfig = z.output<typeof schedulerEnvSchema>;

/** Reads the scheduler's variables from `env` (default `process.env`); throws one ConfigError listing every problem. */
export function loadSchedulerConfig(env?: Env): SchedulerConfig {
  return parseEnv(schedulerEnvSchema, env);
}

/** Injection token of the configuration. */
export const SCHEDULER_CONFIG = Symbol('SchedulerConfig');

/** Injection token of the clock (tests move it to simulate downtime and DST). */
export const CLOCK = Symbol('Clock');

/** Where "now" comes from. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
