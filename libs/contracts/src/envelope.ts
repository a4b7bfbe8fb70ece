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
    time: z.iso.datetime({ offset: true }).optional(),
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
