import { z } from 'zod';

/** CloudEvents spec version every hub message carries. */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** Content type of a structured-mode CloudEvent (one event). */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/** Content type of a CloudEvents JSON batch (an array of structured events). */
export const CLOUDEVENTS_BATCH_JSON = 'application/cloudevents-batch+json';

const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;
const EVENT_TYPE = /^[a-z0-9]+(?:[_-][a-z0-9]+)*(?:\.[a-z0-9]+(?:[_-][a-z0-9]+)*)+$/;

/** Context attributes that the CloudEvents spec or the hub define; everything else is an extension. */
const KNOWN_ATTRIBUTES = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'datacontenttype',
  'dataschema',
  'data',
  'data_base64',
]);

const extensionValue = z.union([z.string(), z.number(), z.boolean()]);

/** `time`: RFC 3339 with an offset (shared by the schema and {@link readEnvelope}, so both agree). */
const eventTime = z.iso.datetime({ offset: true });

/**
 * A CloudEvents 1.0 structured JSON envelope, as it travels on `hub.events`.
 * Extensions the hub uses: `traceparent`/`tracestate` (W3C trace context at publish time),
 * `incidentkey` (what groups events into one incident), `correlationid`, `hubsource`
 * (the name of the ingest token or service that brought the event in), and the source-agnostic
 * facts a mapper normalises from its vendor's payload (see {@link HubEvent}): `startedat`,
 * `sourceurl`, `runbookurl`. All optional: envelopes without them stay valid.
 */
export const cloudEventSchema = z
  .object({
    specversion: z.literal(CLOUDEVENTS_SPEC_VERSION, { error: 'must be "1.0"' }),
    id: z.string().min(1).max(256),
    source: z.string().min(1).max(1024),
    type: z.string().regex(EVENT_TYPE, { error: 'must look like <domain>.<entity>[.<verb>], lower case' }),
    time: eventTime.optional(),
    subject: z.string().max(1024).optional(),
    datacontenttype: z.string().optional(),
    dataschema: z.string().optional(),
    data: z.unknown().optional(),
    data_base64: z.string().optional(),
  })
  .catchall(extensionValue)
  .superRefine(
    (event, ctx) => {
      for (const key of Object.keys(event)) {
        if (!KNOWN_ATTRIBUTES.has(key) && !EXTENSION_NAME.test(key)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'extension attribute names must be 1-20 lower-case letters or digits',
          });
        }
      }
      if (event.data !== undefined && event.data_base64 !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['data_base64'], message: 'data and data_base64 are mutually exclusive' });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) },
  );

export type CloudEvent = z.infer<typeof cloudEventSchema>;

/** The attributes of {@link cloudEventSchema}'s shape, in its order: the order of its output's keys. */
const SHAPE_KEYS = Object.keys(cloudEventSchema.shape);
const OPTIONAL_STRINGS = ['subject', 'datacontenttype', 'dataschema', 'data_base64'] as const;

/**
 * {@link cloudEventSchema} for the common case, at a fraction of its cost: what a consumer pays for
 * every delivery. Returns the same envelope the schema would (its keys in the schema's order) when
 * `value` is a valid envelope, and undefined when it is not — or when it is unusual enough that only
 * the schema can tell (the caller then runs the schema, which also says what is wrong).
 */
export function readEnvelope(value: unknown): CloudEvent | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const event = value as Record<string, unknown>;
  const { id, source, type, time } = event;
  if (event.specversion !== CLOUDEVENTS_SPEC_VERSION) return undefined;
  if (typeof id !== 'string' || id.length < 1 || id.length > 256) return undefined;
  if (typeof source !== 'string' || source.length < 1 || source.length > 1024) return undefined;
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) return undefined;
  if (time !== undefined && !eventTime.safeParse(time).success) return undefined;
  for (const key of OPTIONAL_STRINGS) if (event[key] !== undefined && typeof event[key] !== 'string') return undefined;
  if (typeof event.subject === 'string' && event.subject.length > 1024) return undefined;
  if (event.data !== undefined && event.data_base64 !== undefined) return undefined;
  const envelope: Record<string, unknown> = {};
  for (const key of SHAPE_KEYS) if (key in event) envelope[key] = event[key];
  for (const key in event) {
    if (KNOWN_ATTRIBUTES.has(key)) continue;
    const extension = event[key];
    const kind = typeof extension;
    if (!EXTENSION_NAME.test(key) || !(kind === 'string' || kind === 'boolean' || Number.isFinite(extension))) {
      return undefined;
    }
    envelope[key] = extension;
  }
  return envelope as CloudEvent;
}

/** The hub's view of an event on the bus: `time` is always set and `data` is JSON. */
export interface HubEvent<TData = unknown> {
  specversion: typeof CLOUDEVENTS_SPEC_VERSION;
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: string;
  dataschema?: string;
  data: TData;
  traceparent?: string;
  tracestate?: string;
  incidentkey?: string;
  correlationid?: string;
  hubsource?: string;
  /**
   * When the condition this event reports started (RFC 3339), e.g. Alertmanager's `startsAt`: one
   * instance of a condition keeps it while it fires and when it resolves, so consumers can tell a
   * new instance from a late event of an earlier one.
   */
  startedat?: string;
  /** Where the condition is seen at its source (a Prometheus graph, a pipeline run): the "Alert source" link. */
  sourceurl?: string;
  /** The runbook people follow for the condition. */
  runbookurl?: string;
  [extension: string]: unknown;
}

export interface NewEvent<TData> {
  type: string;
  source: string;
  data: TData;
  id?: string;
  time?: string;
  subject?: string;
  incidentkey?: string;
  correlationid?: string;
  hubsource?: string;
  startedat?: string;
  sourceurl?: string;
  runbookurl?: string;
  extensions?: Record<string, string | number | boolean>;
}

/** Builds a hub envelope with a fresh id and the current time unless given. */
export function createEvent<TData>(input: NewEvent<TData>): HubEvent<TData> {
  const { extensions, ...rest } = input;
  const event: HubEvent<TData> = {
    ...extensions,
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: rest.id ?? crypto.randomUUID(),
    source: rest.source,
    type: rest.type,
    time: rest.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    data: rest.data,
  };
  for (const key of [
    'subject',
    'incidentkey',
    'correlationid',
    'hubsource',
    'startedat',
    'sourceurl',
    'runbookurl',
  ] as const) {
    if (rest[key] !== undefined) event[key] = rest[key];
  }
  return event;
}
