import { type HubEvent } from '@hub/contracts';
import { type PeopleGates } from '../decisions/people-gates.js';
import { type Sensor } from '../definitions/sensor.schema.js';
import { type IncidentService } from '../incidents/incident.service.js';
import { type PlanOptions } from '../matching/incident-plan.js';
import { type SensorStores } from '../stores/sensor-stores.js';

/**
 * One kind of sensor (incident, notify, absence, correlation), in its own folder behind this
 * interface: {@link match} says what an event asks of a sensor of the kind — pure, from the sensor
 * and the event — and {@link apply} does one such plan over the stores. The engine runs every kind
 * alike, over PostgreSQL in the service and over memory in a dry run.
 */
export interface SensorKind<P extends KindPlan = KindPlan> {
  readonly name: string;
  /** Whether `sensor` is of this kind; every sensor is of exactly one (the first in `SENSOR_KINDS` that owns it). */
  owns(sensor: Sensor): boolean;
  /**
   * The plans `event` makes for `sensor`, none when it does not match — then `miss` says why.
   * Throws a `SensorPlanError` when the event matches but the sensor's templates cannot be filled.
   */
  match(sensor: Sensor, event: HubEvent, options: PlanOptions): SensorMatch<P>;
  /** Taken for every plan of an event, in plan order, before any plan is applied (one lock order for all work). */
  lock?(stores: SensorStores, plan: P): Promise<void>;
  apply(stores: SensorStores, plan: P, event: HubEvent, context: ApplyContext): Promise<Applied>;
}

/** What every plan has: its sensor, and where it runs among the plans of one event. */
export interface KindPlan {
  readonly sensor: string;
  readonly order: PlanOrder;
}

/**
 * One event's plans run by phase, then by lock name: deadlines, team messages, correlation keys,
 * incident keys — every handler takes locks in this one order, so two never wait on each other in a cycle.
 */
export interface PlanOrder {
  readonly phase: 0 | 1 | 2 | 3;
  readonly lock: string;
}

export const PHASE = { deadline: 0, message: 1, correlation: 2, incident: 3 } as const;

export interface SensorMatch<P> {
  readonly plans: readonly P[];
  /** Why nothing was planned (dry runs print it): `skipped` — no match, `held` — matched, nothing to do. */
  readonly miss?: Miss;
}

export interface Miss {
  readonly outcome: 'skipped' | 'held';
  readonly reason: string;
}

/** What applying one plan did: its outcome (the match metric's label), why when nothing (new) happened, what to publish. */
export interface Applied {
  readonly outcome: string;
  readonly why?: string;
  readonly events: HubEvent[];
}

/** What a kind applies its plans with, besides the stores. */
export interface ApplyContext {
  readonly incidents: IncidentService;
  readonly gates: PeopleGates;
  readonly options: PlanOptions;
}
