import { type HubEvent, mayComeFromOutside } from '@hub/contracts';
import { EventTypeForbiddenError, type Problem } from '../errors/gateway.errors.js';

/**
 * Which event types a caller of the gateway may send: only the catalog's external types (the
 * bus's internal commands and results come from hub services alone). Every ingest route goes
 * through {@link authorize} before anything is published.
 */
export class EventTypePolicy {
  /** Why `source` may not send an event of `type`, or undefined when it may. */
  refusalOf(type: string, _source: string): string | undefined {
    if (!mayComeFromOutside(type)) {
      return `"${type}" is an internal event type of the hub: it is never accepted from outside`;
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
