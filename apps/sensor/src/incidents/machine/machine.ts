import { type Logger } from '@nestjs/common';
import { type HubEvent, type IncidentState } from '@hub/contracts';
import { type ActionPlan } from '../../matching/incident-plan.js';
import { type SensorMetrics } from '../../metrics/sensor.metrics.js';
import { type IncidentChanges, type SensorStores } from '../../stores/sensor-stores.js';
import { actionRequestOf } from '../incident-events.js';
import { type IncidentRow } from '../sensor-database.js';

/**
 * What every edge of the incident state machine works with: the stores of the caller's work (which
 * holds the key's lock), the instant of the change, and the metrics and log it reports to.
 */
export interface Machine {
  readonly stores: SensorStores;
  readonly now: Date;
  readonly metrics: SensorMetrics;
  readonly logger: Logger;
}

export interface Transition {
  readonly incident: IncidentRow;
  readonly to: IncidentState;
  /** The history row's detail (`eventId`, `reason`, `why`, …): the timeline and tickets show it. */
  readonly detail: Record<string, unknown>;
  readonly changes?: IncidentChanges;
}

/** Moves the incident to `to` (sequence + 1, a history row) and counts the transition. */
export async function transition(m: Machine, { incident, to, detail, changes }: Transition): Promise<IncidentRow> {
  const row = await m.stores.incidents.transition(incident, to, m.now, detail, changes);
  m.metrics.transitions.inc({ sensor: row.sensor, state: row.status });
  return row;
}

/** An untracked action (a further `on: open` trigger, an `on: resolve` trigger): requested, counted. */
export function requestAction(m: Machine, incident: IncidentRow, action: ActionPlan, actionId: string): HubEvent {
  m.metrics.triggers.inc({ sensor: incident.sensor, trigger: action.trigger, kind: action.kind });
  return actionRequestOf(incident, actionId, action);
}

/** True when both times are known and `a` is after `b`. */
export function isLater(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && Date.parse(a) > Date.parse(b);
}

/** What a matching event did to its sensor: `triggered` (events to publish), or why it was held. */
export type TriggerOutcome =
  | 'triggered'
  | 'duplicate'
  | 'aggregating'
  | 'once-within'
  | 'repeat'
  | 'rate-limited'
  | 'owned-elsewhere'
  | 'resolved-earlier';

export interface TriggerResult {
  readonly outcome: TriggerOutcome;
  readonly events: HubEvent[];
  /** Why nothing (new) happened, for logs and dry runs. */
  readonly why?: string;
}

/** What a resolution did: the events to publish, or why there are none. */
export interface ResolveResult {
  readonly events: HubEvent[];
  readonly why?: string;
}

export function triggered(events: HubEvent[]): TriggerResult {
  return { outcome: 'triggered', events };
}

export function held(outcome: Exclude<TriggerOutcome, 'triggered'>, why: string): TriggerResult {
  return { outcome, events: [], why };
}
