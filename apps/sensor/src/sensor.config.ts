import { z } from 'zod';
import { boolVar, coreEnvSchema, durationVar, type Env, parseEnv, portVar, positiveIntVar } from '@hub/config';
import { serviceQueues } from '@hub/messaging';

/** `1000,10000,60000` → delays in ms, each a positive whole number. */
const delaysVar = z.string().transform((value, ctx) => {
  const delays = value.split(',').map((part) => Number(part.trim()));
  if (delays.length === 0 || delays.some((d) => !Number.isInteger(d) || d <= 0)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be comma-separated positive whole numbers of ms (1000,10000,60000)',
    });
    return z.NEVER;
  }
  return delays;
});

/**
 * The sensor's variables: the core set, its HTTP port (health, readiness, metrics), a global dry
 * run switch, and the timing knobs of redelivery (retry tiers) and the outbox relay.
 */
export const sensorEnvSchema = coreEnvSchema.extend({
  HUB_METRICS_PORT: portVar.default(9101),
  /** Every action request goes out with `dryRun: true`, whatever the sensor says. */
  HUB_DRY_RUN: boolVar.default(false),
  /** Delays of the retry tiers of the sensor's queue (a failed publish, an unreachable database). */
  SENSOR_RETRY_DELAYS_MS: delaysVar.default([1_000, 10_000, 60_000]),
  /** How often (and after how long) the outbox relay publishes events a parked delivery left behind. */
  SENSOR_OUTBOX_RELAY_MS: positiveIntVar.default(30_000),
  /** How long publishing waits for a (re)connecting broker connection before the delivery is retried. */
  SENSOR_PUBLISH_WAIT_MS: positiveIntVar.default(5_000),
  /** How often the sweeper runs due escalation steps and deletes expired dedup marks. */
  SENSOR_SWEEP_MS: positiveIntVar.default(10_000),
  /** Reload the sensors when a file of `$HUB_CONFIG_DIR/sensors` changes or on SIGHUP. */
  SENSOR_HOT_RELOAD: boolVar.default(true),
  /** Days the event log (`GET /v1/events`, `hub replay`) keeps an event. */
  SENSOR_EVENT_LOG_RETENTION_DAYS: positiveIntVar.default(14),
  /** How long a resolved incident (with its history) is kept: `GET /v1/incidents/{key}`, the timeline. */
  SENSOR_INCIDENT_RETENTION: durationVar.default(90 * 86_400_000),
});

export type SensorConfig = z.output<typeof sensorEnvSchema>;

export function loadSensorConfig(env?: Env): SensorConfig {
  return parseEnv(sensorEnvSchema, env);
}

/** The queue this service owns on the bus. */
export const SENSOR_QUEUE = serviceQueues.sensor.queue;
