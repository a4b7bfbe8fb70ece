import {
  cloudEventSchema,
  type EventDefinition,
  findEventDefinition,
  type HubEvent,
  readEnvelope,
} from '@hub/contracts';
import { DeadLetterError } from './messaging.errors.js';

/** A delivery's event, and its catalog entry (undefined for a type the catalog does not know). */
export interface DecodedEnvelope {
  readonly event: HubEvent;
  readonly definition?: EventDefinition;
}

/**
 * Turns a delivery's body into a hub event: a CloudEvents 1.0 structured JSON envelope whose
 * `data` matches the catalog schema of its type (types the catalog does not know pass as they are).
 * Anything else can never succeed, so it is a DeadLetterError. The one validation of a delivery:
 * handlers get the event as decoded here. The envelope is read by {@link readEnvelope}; only one it
 * cannot vouch for goes through the full schema (which says what is wrong).
 */
export function decodeEnvelope(content: Buffer): DecodedEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch {
    throw new DeadLetterError('the message body is not JSON');
  }
  let envelope = readEnvelope(json);
  if (!envelope) {
    const parsed = cloudEventSchema.safeParse(json);
    if (!parsed.success) {
      throw new DeadLetterError(`not a CloudEvents 1.0 envelope: ${formatIssues(parsed.error.issues)}`);
    }
    envelope = parsed.data;
  }
  const event = envelope as HubEvent;
  const definition = findEventDefinition(event.type);
  if (definition) {
    const data = definition.data.safeParse(event.data);
    if (!data.success) {
      throw new DeadLetterError(`data does not match ${definition.type}: ${formatIssues(data.error.issues)}`);
    }
    event.data = data.data;
  }
  return { event, definition };
}

function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'} ${issue.message}`)
    .join('; ');
}
