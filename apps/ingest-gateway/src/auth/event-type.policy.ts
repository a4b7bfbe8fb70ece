import { type HubEvent, mayComeFromOutside, topicMatches } from '@hub/contracts';
import { EventTypeForbiddenError, type Problem } from '../errors/gateway.errors.js';

/**
 * Which event types a caller of the gateway may send: only the catalog's external types (the
 * bus's internal commands and results come from hub services alone), and of those, for a source
 * with a list in `HUB_INGEST_TOKEN_TYPES`, only the types its patterns match. Every ingest route
 * goes through {@link authorize} before anything is published.
 */
export class EventTypePolicy {
  /** @param limits source → topic patterns of the types it may send; a source not listed may send every external type. */
  constructor(private readonly limits: ReadonlyMap<string, readonly string[]> = new Map()) {}

  /** Why `source` may not send an event of `type`, or undefined when it may. */
  refusalOf(type: string, source: string): string | undefined {
    if (!mayComeFromOutside(type)) {
      return `"${type}" is an internal event type of the hub: it is never accepted from outside`;
    }
    const allowed = this.limits.get(source);
    if (allowed && !allowed.some((pattern) => topicMatches(pattern, type))) {
      return `source "${source}" may not send "${type}" (HUB_INGEST_TOKEN_TYPES allows it ${allowed.join(', ')})`;
    }
    return undefined;
  }

  /** Throws an {@link EventTypeForbiddenError} (403) naming every event whose type its source may not send. */
  authorize(events: readonly HubEvent[]): void {
    const problems: Problem[] = [];
    for (const [index, event] of events.entries()) {
      const refusal = this.refusalOf(event.type, event.hubsource ?? '');
      if (refusal) problems.push({ path: events.length === 1 ? 'type' : `${index}.type`, problem: refusal });
    }
    if (problems.length > 0) throw forbidden(problems);
  }
}

/** One 403 for the refused types of a request; the message names each type once. */
export function forbidden(problems: readonly Problem[]): EventTypeForbiddenError {
  const reasons = [...new Set(problems.map((p) => p.problem))];
  return new EventTypeForbiddenError(`Event type not allowed: ${reasons.join('; ')}; nothing was accepted`, problems);
}
