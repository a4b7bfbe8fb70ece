import {
  cloudEventSchema,
  createEvent,
  findEventDefinition,
  type HubEvent,
  mayComeFromOutside,
  nameBasedUuid,
} from '@hub/contracts';
import { type PayloadMapping } from '../config/source.schema.js';
import { RefusedMessageError } from '../config/source.errors.js';

/** RFC 4122 namespace of the ids of bridged messages that carry no id of their own. */
const BRIDGE_ID_NAMESPACE = '5b0f4e1c8d2a4f6b9e3c7a1d2f4b6c8e';

/** One message a bridge read: its body, its CloudEvents headers (binary mode), where it came from. */
export interface BridgedMessage {
  readonly body: Uint8Array;
  /** `ce-*` headers (binary-mode CloudEvents), lower-cased names. */
  readonly ceHeaders: Record<string, string>;
  /** The message's own id (Nats-Msg-Id, stream + sequence, MQTT session + packet id + digest). */
  readonly messageId: string;
  /** The subject or topic (becomes the CloudEvents `subject` of a mapped payload). */
  readonly subject: string;
  readonly defaultSource: string;
}

/**
 * Turns a bridged message into a hub envelope. A structured CloudEvent in the body, or a binary one
 * in `ce-*` headers, is kept as it is (its id, source, type, time, extensions). Anything else takes
 * the `mapping`'s type, and as id the mapping's `idField` of a JSON body or a name-based UUID of the
 * message id — so a redelivered message keeps its id and consumers take it once. Refused (never
 * retried): an internal or unknown type, data the catalog's schema rejects, no mapping for a payload.
 */
export function toHubEvent(message: BridgedMessage, mapping: PayloadMapping | undefined): HubEvent {
  const text = Buffer.from(message.body).toString('utf8');
  const json = parseJson(text);
  const event =
    structuredCloudEvent(json) ?? binaryCloudEvent(message, json, text) ?? mapped(message, mapping, json, text);
  if (!mayComeFromOutside(event.type)) {
    throw new RefusedMessageError(`type "${event.type}" may not come from outside the hub`, { type: event.type });
  }
  const data = findEventDefinition(event.type)?.data.safeParse(event.data);
  if (data && !data.success) {
    const problems = data.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ');
    throw new RefusedMessageError(`data of "${event.type}" does not match the catalog: ${problems}`, {
      type: event.type,
    });
  }
  return data ? { ...event, data: data.data } : event;
}

function structuredCloudEvent(json: unknown): HubEvent | undefined {
  if (typeof json !== 'object' || json === null || !('specversion' in json)) return undefined;
  const parsed = cloudEventSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
    throw new RefusedMessageError(`not a valid CloudEvent: ${problems}`);
  }
  const { data_base64: base64, ...rest } = parsed.data;
  return {
    ...rest,
    time: rest.time ?? new Date().toISOString(),
    datacontenttype: rest.datacontenttype ?? 'application/json',
    data: base64 === undefined ? rest.data : Buffer.from(base64, 'base64').toString('utf8'),
  };
}

function binaryCloudEvent(message: BridgedMessage, json: unknown, text: string): HubEvent | undefined {
  const h = message.ceHeaders;
  if (h['ce-specversion'] === undefined) return undefined;
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(h)) attributes[name.slice(3)] = value;
  return structuredCloudEvent({ ...attributes, data: json ?? text });
}

function mapped(message: BridgedMessage, mapping: PayloadMapping | undefined, json: unknown, text: string): HubEvent {
  if (!mapping) throw new RefusedMessageError('not a CloudEvent, and the source maps no other payload (spec.map)');
  const own =
    mapping.idField && typeof json === 'object' && json
      ? (json as Record<string, unknown>)[mapping.idField]
      : undefined;
  const id =
    typeof own === 'string' || typeof own === 'number'
      ? String(own)
      : nameBasedUuid(BRIDGE_ID_NAMESPACE, `${message.defaultSource}#${message.messageId}`);
  return createEvent({
    id,
    type: mapping.type,
    source: mapping.source ?? message.defaultSource,
    subject: message.subject,
    data: json ?? text,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
