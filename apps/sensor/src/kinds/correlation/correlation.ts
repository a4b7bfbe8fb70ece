import { type Sensor } from '../../definitions/sensor.schema.js';
import { formatDuration } from '../../expressions/duration.js';
import { type Template } from '../../expressions/template.js';

/**
 * A correlation condition of a sensor: `all` — every dependency of `of` seen within `withinMs`,
 * in any order ("A and B within T"); `sequence` — each one after the previous, all within
 * `withinMs` of the first ("A then B within T"; B before A does not count).
 */
export interface Correlation {
  readonly kind: 'all' | 'sequence';
  readonly of: readonly string[];
  readonly withinMs: number;
}

/** A dependency seen for one correlation key: the state kept per key (in PostgreSQL or, for a dry run, in memory). */
export interface SeenDependency {
  readonly dependency: string;
  readonly eventId: string;
  /** The event's time, in epoch milliseconds. */
  readonly at: number;
}

/** What one event does to a key's partial match. */
export interface CorrelationStep {
  /** The condition completed with this event: fire, and forget the key's partial match. */
  readonly complete: boolean;
  /** The key's partial match after the event (empty when complete). */
  readonly seen: readonly SeenDependency[];
  /** Why it has not fired yet ("waiting for finished, 1 of 2 seen within 10m"); empty when complete. */
  readonly why: string;
}

/**
 * Advances a key's partial match by one event of `dependency` at `at`. Pure: the service runs it
 * under the key's lock over the rows it read, the dry run over its in-memory map, so both decide
 * alike. Times are the events' own `time`, so a replay decides as the live run did.
 */
export function advanceCorrelation(
  condition: Correlation,
  previous: readonly SeenDependency[],
  seen: SeenDependency,
): CorrelationStep {
  return condition.kind === 'all' ? advanceAll(condition, previous, seen) : advanceSequence(condition, previous, seen);
}

/** Any order: the latest event of each dependency counts; complete when all lie within the window. */
function advanceAll(
  condition: Correlation,
  previous: readonly SeenDependency[],
  event: SeenDependency,
): CorrelationStep {
  const { withinMs } = condition;
  // Older than the window before this event: they can never complete with it or a later one.
  const kept = previous.filter((s) => s.at >= event.at - withinMs);
  const earlier = kept.find((s) => s.dependency === event.dependency);
  const seen = [...kept.filter((s) => s !== earlier), earlier && earlier.at > event.at ? earlier : event];
  const times = seen.map((s) => s.at);
  const complete =
    condition.of.every((name) => seen.some((s) => s.dependency === name)) &&
    Math.max(...times) - Math.min(...times) <= withinMs;
  if (complete) return { complete, seen: [], why: '' };
  return { complete, seen, why: waiting(condition, seen, condition.of) };
}

/**
 * In order: the first dependency starts a chain (a new one restarts a chain that has not gone
 * beyond it); each next one extends it when its predecessor came earlier (by event time) and the
 * chain's start lies within the window. An event out of order changes nothing.
 */
function advanceSequence(
  condition: Correlation,
  previous: readonly SeenDependency[],
  event: SeenDependency,
): CorrelationStep {
  const { of, withinMs } = condition;
  const start = previous.find((s) => s.dependency === of[0]);
  const chain = start && start.at >= event.at - withinMs ? previous : [];
  const index = of.indexOf(event.dependency);
  const has = (name: string | undefined) => chain.find((s) => s.dependency === name);
  let seen: readonly SeenDependency[] = chain;
  let why: string | undefined;
  if (index === 0) {
    if (chain.length <= 1) seen = [event];
  } else if (has(event.dependency)) {
    why = `${event.dependency} was already seen in this sequence`;
  } else {
    const before = has(of[index - 1]);
    if (!before || before.at > event.at) {
      why = `${event.dependency} without an earlier ${of[index - 1]!} within ${formatDuration(withinMs)} does not count`;
    } else {
      seen = [...chain, event];
    }
  }
  if (seen.length === of.length) return { complete: true, seen: [], why: '' };
  const next = of.slice(seen.length);
  const status = waiting(condition, seen, next.slice(0, 1));
  return { complete: false, seen, why: why ? `${why}; ${status}` : status };
}

function waiting(condition: Correlation, seen: readonly SeenDependency[], missing: readonly string[]): string {
  const absent = missing.filter((name) => !seen.some((s) => s.dependency === name));
  const count = condition.of.filter((name) => seen.some((s) => s.dependency === name)).length;
  const what = absent.length > 0 ? absent.join(' and ') : 'all of them within the window';
  return `waiting for ${what}, ${count} of ${condition.of.length} seen within ${formatDuration(condition.withinMs)}`;
}

/**
 * The correlation key as people read it: `app=checkout` when `correlate` is one plain placeholder
 * (`{{ data.app }}`), else the key itself.
 */
export function describeKey(correlate: Template, key: string): string {
  const name = /^\{\{\s*(?:[\w-]+\.)*([\w-]+)\s*\}\}$/.exec(correlate.source.trim())?.[1];
  return name ? `${name}=${key}` : key;
}

/** The sensor's `condition.all` / `condition.sequence`, with its correlation key template; none without one. */
export function correlationOf(sensor: Sensor): (Correlation & { readonly correlate: Template }) | undefined {
  const condition = sensor.spec.condition;
  const kind = condition?.all ? 'all' : condition?.sequence ? 'sequence' : undefined;
  const spec = kind && condition?.[kind];
  if (!kind || !spec) return undefined;
  return { kind, of: spec.of, withinMs: spec.within, correlate: spec.correlate };
}
