import { z } from 'zod';
import { coreEnvSchema, type Env, parseEnv, portVar, positiveIntVar, urlVar } from '@hub/config';

/** The event-sources variables: the core set, the lease, and how to reach the systems sources read. */
export const eventSourcesEnvSchema = coreEnvSchema
  .extend({
    HUB_METRICS_PORT: portVar.default(9107),
    /** How long a source's lease lasts without renewal; a standby takes over at most this long after a crash. */
    EVENT_SOURCES_LEASE_TTL_MS: positiveIntVar.min(1_000).default(15_000),
    /** First delay before a source that failed to connect is tried again (doubling up to the max). */
    EVENT_SOURCES_RETRY_MIN_MS: positiveIntVar.default(1_000),
    EVENT_SOURCES_RETRY_MAX_MS: positiveIntVar.default(30_000),
    /** Name of this replica in leases and logs (default: host name and pid). */
    EVENT_SOURCES_INSTANCE: z.string().min(1).optional(),
    /** Default server of NATS sources that name none. */
    NATS_URL: urlVar(['nats', 'tls']).default('nats://127.0.0.1:4222'),
    /** Default broker of MQTT sources that name none. */
    MQTT_URL: urlVar(['mqtt', 'mqtts', 'tcp', 'ssl']).default('mqtt://127.0.0.1:1883'),
    /** Kubernetes API server (wins over KUBECONFIG and the in-cluster service account). */
    KUBE_API_URL: urlVar(['http', 'https']).optional(),
    /** Bearer token for KUBE_API_URL. */
    KUBE_TOKEN: z.string().optional(),
    /** CA bundle of an https KUBE_API_URL whose certificate is not publicly trusted. */
    KUBE_CA_FILE: z.string().optional(),
    /** Path of a kubeconfig file (its current context), used when KUBE_API_URL is not set. */
    KUBECONFIG: z.string().optional(),
  })
  .superRefine(
    (env, ctx) => {
      if (env.KUBE_TOKEN && !env.KUBE_API_URL) {
        ctx.addIssue({ code: 'custom', path: ['KUBE_API_URL'], message: 'is required when KUBE_TOKEN is set' });
      }
      const { EVENT_SOURCES_RETRY_MIN_MS: min, EVENT_SOURCES_RETRY_MAX_MS: max } = env;
      if (typeof min === 'number' && typeof max === 'number' && max < min) {
        ctx.addIssue({
          code: 'custom',
          path: ['EVENT_SOURCES_RETRY_MAX_MS'],
          message: 'must not be below EVENT_SOURCES_RETRY_MIN_MS',
        });
      }
    },
    // Also when other variables are bad, so one message lists every problem.
    { when: () => true },
  );

export type EventSourcesConfig = z.output<typeof eventSourcesEnvSchema>;

/** Reads the variables from `env` (default `process.env`); throws one ConfigError listing every problem. */
export function loadEventSourcesConfig(env?: Env): EventSourcesConfig {
  return parseEnv(eventSourcesEnvSchema, env);
}

/** Injection token of the configuration. */
export const EVENT_SOURCES_CONFIG = Symbol('EventSourcesConfig');
