import { z } from 'zod';
import { parseDurationMs } from '@hub/config';
import { mayComeFromOutside } from '@hub/contracts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NATS_NAME = /^[A-Za-z0-9_-]+$/;

const duration = (fallback: string) =>
  z
    .string({ error: 'must be a duration like 500ms, 5s, 10m' })
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDurationMs(text);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a positive duration (like 500ms, 5s, 10m)` });
        return z.NEVER;
      }
      return ms;
    });

/** An event type a bridge may put on the bus: an external type of the catalog (as the gateway accepts). */
const externalType = z.string().refine(mayComeFromOutside, {
  error:
    'must be an external event type of the catalog (external.<anything>, alert.firing, deployment.completed, …): ' +
    'internal commands and kubernetes.* come only from hub services',
});

/** How a payload that is not a CloudEvent becomes one. */
const mappingSchema = z.strictObject({
  type: externalType,
  /** CloudEvents `source` (default `nats://<stream>` or `mqtt://<client id>`). */
  source: z.string().min(1).optional(),
  /** A top-level field of a JSON payload whose value becomes the event id (default: the message id). */
  idField: z.string().min(1).optional(),
});

const natsSchema = z.strictObject({
  /** Default NATS_URL. */
  servers: z.array(z.string().min(1)).min(1).optional(),
  stream: z.string().regex(NATS_NAME, { error: 'must be a JetStream stream name (letters, digits, _ -)' }),
  /** Durable pull consumer name (default `hub-<source name>`). */
  consumer: z.string().regex(NATS_NAME, { error: 'must be a consumer name (letters, digits, _ -)' }).optional(),
  filterSubjects: z.array(z.string().min(1)).default([]),
  /** Payloads that are not CloudEvents: mapped to this type, else refused. */
  map: mappingSchema.optional(),
  /** How long JetStream waits for the ack before redelivering. */
  ackWait: duration('30s'),
  /** Redelivery delay of a message the hub's broker could not take. */
  nakDelay: duration('5s'),
  /** Messages in flight (pull batch). */
  maxMessages: z.number().int().positive().max(10_000).default(64),
});

const mqttTopicSchema = z.strictObject({
  /** MQTT topic filter (`+` one level, `#` the rest). */
  filter: z.string().min(1).refine(isMqttFilter, { error: 'must be an MQTT topic filter (+ one level, # last)' }),
  /** Payloads that are not CloudEvents get this type (CloudEvents are kept as they are). */
  type: externalType.optional(),
  idField: z.string().min(1).optional(),
  source: z.string().min(1).optional(),
});

const mqttSchema = z.strictObject({
  /** Default MQTT_URL. */
  url: z.string().min(1).optional(),
  /** Client id of the persistent session (default `hub-<source name>`). */
  clientId: z.string().min(1).max(23).optional(),
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
  username: z.string().optional(),
  /** Name of the environment variable holding the password. */
  passwordEnv: z.string().optional(),
  topics: z.array(mqttTopicSchema).min(1),
  /** Delay between publish attempts while the hub's broker cannot take a message (it stays unacked). */
  retryDelay: duration('1s'),
});

const selectorsSchema = {
  namespace: z.string().regex(DNS_LABEL, { error: 'must be a namespace name' }).optional(),
  labelSelector: z.string().min(1).optional(),
  fieldSelector: z.string().min(1).optional(),
};

export const WATCHED_RESOURCES = ['pods', 'nodes', 'resourcequotas', 'deployments'] as const;
export type WatchedResource = (typeof WATCHED_RESOURCES)[number];

const kubernetesSchema = z.strictObject({
  /** Kubernetes Events → `kubernetes.event`. */
  events: z
    .strictObject({
      apis: z
        .array(z.enum(['v1', 'events.k8s.io/v1']))
        .min(1)
        .default(['v1']),
      ...selectorsSchema,
      /** Reasons to publish (empty: every reason). */
      reasons: z.array(z.string().min(1)).default([]),
      /** Repeats of one Event (its count going up) within this window are one event. */
      window: duration('5m'),
      /** A FailedCreate Event saying "exceeded quota" is also a `kubernetes.quota.exceeded`. */
      quotaFromFailedCreate: z.boolean().default(true),
    })
    .optional(),
  /** Resource watches with state predicates → typed events with their `recovered` pair. */
  watches: z
    .array(
      z.strictObject({
        resource: z.enum(WATCHED_RESOURCES),
        ...selectorsSchema,
        /** Pods: restarts (with a CrashLoopBackOff wait) from which a container counts as crash-looping. */
        restartThreshold: z.number().int().positive().default(3),
      }),
    )
    .default([]),
});

const specSchema = z
  .strictObject({ nats: natsSchema.optional(), mqtt: mqttSchema.optional(), kubernetes: kubernetesSchema.optional() })
  .superRefine((spec, ctx) => {
    const kinds = (['nats', 'mqtt', 'kubernetes'] as const).filter((k) => spec[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `must hold exactly one of nats, mqtt, kubernetes (found ${kinds.length})`,
      });
    }
    if (spec.kubernetes && !spec.kubernetes.events && spec.kubernetes.watches.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['kubernetes'], message: 'watches nothing: give events or watches' });
    }
  });

/** One `config/sources/*.yaml` document. */
export const sourceDocumentSchema = z.strictObject({
  apiVersion: z.literal('hub/v1', { error: 'must be hub/v1' }),
  kind: z.literal('Source', { error: 'must be Source' }),
  metadata: z.strictObject({
    name: z.string().regex(DNS_LABEL, { error: 'must be a DNS-1123 label (lower case, digits, -)' }),
    description: z.string().optional(),
  }),
  spec: specSchema,
});

export type SourceDocument = z.output<typeof sourceDocumentSchema>;
export type NatsSpec = z.output<typeof natsSchema>;
export type MqttSpec = z.output<typeof mqttSchema>;
export type KubernetesSpec = z.output<typeof kubernetesSchema>;
export type PayloadMapping = z.output<typeof mappingSchema>;

function isMqttFilter(filter: string): boolean {
  const levels = filter.split('/');
  return levels.every(
    (level, i) =>
      (level === '#' && i === levels.length - 1) || level === '+' || (!level.includes('+') && !level.includes('#')),
  );
}
