import { z } from 'zod';
import { coreEnvSchema, durationVar, type Env, parseEnv, portVar, positiveIntVar } from '@hub/config';
import { serviceQueues } from '@hub/messaging';
import { millisVar } from './channels/env-vars.js';
import { channelEnv } from './channels/registry.js';

/** `1000,10000,60000` → [1000, 10000, 60000]: the delays of the transport's retry tiers. */
const delaysVar = z.string().transform((value, ctx) => {
  const delays = value.split(',').map((part) => Number(part.trim()));
  if (delays.some((d) => !Number.isInteger(d) || d <= 0)) {
    ctx.addIssue({ code: 'custom', message: 'must be comma-separated positive whole milliseconds' });
  }
  return delays;
});

/**
 * The notifier's variables: the core set, every channel's own (`channels/<name>/<name>.config.ts`;
 * an unconfigured channel writes to the outbox), the Grafana trace link and the timing knobs.
 */
export const notifierEnvSchema = coreEnvSchema.extend({
  HUB_METRICS_PORT: portVar.default(9103),
  ...channelEnv,
  /** The uid of Grafana's Tempo data source, for the trace link (`GRAFANA_URL` turns the link on). */
  GRAFANA_TEMPO_DATASOURCE: z.string().min(1).default('tempo'),
  NOTIFIER_RETRY_DELAYS_MS: delaysVar.default([1_000, 10_000, 60_000]),
  /**
   * A Slack thread reply waits at most this long (from the event's time) for its predecessor's reply,
   * in the first retry tier, and never past the next-to-last tier; then it is posted out of order.
   */
  NOTIFIER_REPLY_HOLD_MS: millisVar.default(5_000),
  /** PostgreSQL connections of this process (each delivery in progress holds at most one). */
  NOTIFIER_DB_POOL_SIZE: positiveIntVar.default(10),
  /** Longest a delivery waits for its incident's lock (another delivery of it in a vendor call), then retries later. */
  NOTIFIER_LOCK_WAIT_MS: millisVar.default(30_000),
  /** How long receipts and chat threads (from their last update) are kept. */
  NOTIFIER_RETENTION: durationVar.default(30 * 86_400_000),
});

export type NotifierConfig = z.output<typeof notifierEnvSchema>;

export function loadNotifierConfig(env?: Env): NotifierConfig {
  return parseEnv(notifierEnvSchema, env);
}

/** The queue this service owns on the bus. */
export const NOTIFIER_QUEUE = serviceQueues.notifier.queue;

/** The routing file under `HUB_CONFIG_DIR`. */
export const ROUTING_FILE = 'notifier.yaml';
