import { cloudEventSchema, findEventDefinition, type HubEvent } from '@hub/contracts';
import { DeadLetterError } from './messaging.errors.js';

/**
 * Turns a delivery's body into a hub event: a CloudEvents 1.0 structured JSON envelope whose
 * `data` matches the catalog schema of its type (types the catalog does not know pass as they are).
 * Anything else can never succeed, so it is a DeadLetterError.
 */
export function decodeEnvelope(content: Buffer): HubEvent {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch {
    throw new DeadLetterError('the message body is not JSON');
  }
  const envelope = cloudEventSchema.safeParse(json);
  if (!envelope.success) {
    throw new DeadLetterError(`not a CloudEvents 1.0 envelope: ${formatIssues(envelope.error.issues)}`);
  }
  const event = envelope.data as HubEvent;
  const definition = findEventDefinition(event.type);
  if (definition) {
    const data = definition.data.safeParse(event.data);
    if (!data.success) {
      throw new DeadLetterError(`data does not match ${definition.type}: ${formatIssues(data.error.issues)}`);
    }
    event.data = data.data;
  }
  return event;
}

function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'} ${issue.message}`)
    .join('; ');
}
