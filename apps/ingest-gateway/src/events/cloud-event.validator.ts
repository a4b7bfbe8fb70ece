import {
  type CloudEvent,
  cloudEventSchema,
  type EventDefinition,
  eventCatalog,
  findEventDefinition,
  type HubEvent,
} from '@hub/contracts';
import { forbidden, type EventTypePolicy } from '../auth/event-type.policy.js';
import { type Problem, problemsOf, pathOf, ValidationError } from '../errors/gateway.errors.js';

/** What the gateway lets in, and what it records on every event. */
export interface IngestPolicy {
  /** Source name of the ingest token (`hubsource`); replaces whatever the sender put there. */
  readonly hubsource: string;
  /** Whether `external.*` events are accepted (`HUB_ACCEPT_EXTERNAL_EVENTS`). */
  readonly acceptExternal: boolean;
  /** Which types `hubsource` may send; a refused type answers 403 before any data is checked. */
  readonly types: EventTypePolicy;
  /** Clock for `time` when the sender did not set it. */
  readonly now?: () => Date;
}

/** A candidate event, with where it came from in the request (`[3]` for the fourth of a batch). */
export interface Candidate {
  readonly value: unknown;
  readonly path: readonly PropertyKey[];
}

const KNOWN_TYPES = Object.values(eventCatalog as Record<string, EventDefinition>)
  .map((d) => (d.family ? `${d.type}.<…>` : d.type))
  .join(', ');

/**
 * Checks each candidate against the CloudEvents envelope, then the event catalog (the type must be
 * known and `data` must match its schema), and turns it into a hub event: the sender's id is kept,
 * `time` is set if absent, `hubsource` is the authenticated source. One bad candidate rejects them
 * all, with every problem of every candidate listed, each under its own path. A type the source may
 * not send rejects them all with 403 ({@link EventTypePolicy}), whatever else is wrong.
 */
export function toHubEvents(candidates: readonly Candidate[], policy: IngestPolicy): HubEvent[] {
  const problems: Problem[] = [];
  const events: HubEvent[] = [];
  const refused: Problem[] = [];
  const seenIds = new Map<string, string>();
  for (const candidate of candidates) {
    const result = cloudEventSchema.safeParse(candidate.value);
    if (!result.success) {
      problems.push(...problemsOf(result.error.issues, candidate.path));
      continue;
    }
    const known = findEventDefinition(result.data.type) !== undefined;
    const refusal = known ? policy.types.refusalOf(result.data.type, policy.hubsource) : undefined;
    if (refusal) {
      refused.push({ path: pathOf([...candidate.path, 'type']), problem: refusal });
      continue;
    }
    const eventProblems = catalogProblems(result.data, candidate.path, policy);
    const idPath = pathOf([...candidate.path, 'id']);
    const sameId = seenIds.get(result.data.id);
    if (sameId !== undefined) eventProblems.push({ path: idPath, problem: `repeats the id of event ${sameId}` });
    seenIds.set(result.data.id, pathOf(candidate.path));
    problems.push(...eventProblems);
    if (eventProblems.length === 0) events.push(toHubEvent(result.data, policy));
  }
  if (refused.length > 0) throw forbidden(refused);
  if (problems.length > 0) {
    const which = candidates.length === 1 ? 'The event' : 'The batch';
    throw new ValidationError(
      `${which} is invalid: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      problems,
    );
  }
  return events;
}

function catalogProblems(event: CloudEvent, path: readonly PropertyKey[], policy: IngestPolicy): Problem[] {
  const definition = findEventDefinition(event.type);
  const at = (...rest: PropertyKey[]) => pathOf([...path, ...rest]);
  if (!definition) {
    return [{ path: at('type'), problem: `"${event.type}" is not in the event catalog; known types: ${KNOWN_TYPES}` }];
  }
  const external = definition.type === 'external';
  if (external && !policy.acceptExternal) {
    return [
      { path: at('type'), problem: 'external.* events are not accepted here (HUB_ACCEPT_EXTERNAL_EVENTS=false)' },
    ];
  }
  if (event.data_base64 !== undefined && !external) {
    return [{ path: at('data_base64'), problem: `"${event.type}" carries JSON data: send it in "data"` }];
  }
  if (external) return [];
  const data = definition.data.safeParse(event.data);
  return data.success ? [] : problemsOf(data.error.issues, [...path, 'data']);
}

function toHubEvent(event: CloudEvent, policy: IngestPolicy): HubEvent {
  const now = policy.now ?? (() => new Date());
  return {
    ...event,
    specversion: event.specversion,
    time: event.time ?? now().toISOString(),
    datacontenttype: event.datacontenttype ?? 'application/json',
    data: event.data,
    hubsource: policy.hubsource,
  };
}
