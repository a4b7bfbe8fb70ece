import { type HubEvent } from '@hub/contracts';
import { type Sensor } from '../definitions/sensor.schema.js';
import { type PlanOptions } from '../matching/incident-plan.js';
import { type SensorStores } from '../stores/sensor-stores.js';
import { absenceKind } from './absence/absence.kind.js';
import { correlationKind } from './correlation/correlation.kind.js';
import { incidentKind } from './incident/incident.kind.js';
import { notifyKind } from './notify/notify.kind.js';
import { type Applied, type ApplyContext, type KindPlan, type Miss, type SensorKind } from './sensor-kind.js';

/** One plan with the kind that made it, ready for the engine to lock and apply. */
export interface PlannedStep {
  readonly kind: string;
  readonly plan: KindPlan;
  lock(stores: SensorStores): Promise<void>;
  apply(stores: SensorStores, event: HubEvent, context: ApplyContext): Promise<Applied>;
}

/** A kind with its plan type hidden, so kinds of different plans sit in one list. */
export interface AnyKind {
  readonly name: string;
  owns(sensor: Sensor): boolean;
  plan(sensor: Sensor, event: HubEvent, options: PlanOptions): { steps: PlannedStep[]; miss?: Miss };
}

function anyKind<P extends KindPlan>(kind: SensorKind<P>): AnyKind {
  return {
    name: kind.name,
    owns: (sensor) => kind.owns(sensor),
    plan(sensor, event, options) {
      const { plans, miss } = kind.match(sensor, event, options);
      const steps = plans.map((plan) => ({
        kind: kind.name,
        plan,
        lock: (stores: SensorStores) => kind.lock?.(stores, plan) ?? Promise.resolve(),
        apply: (stores: SensorStores, e: HubEvent, context: ApplyContext) => kind.apply(stores, plan, e, context),
      }));
      return miss ? { steps, miss } : { steps };
    },
  };
}

/** Every kind, most specific first: a sensor is of the first kind that owns it. A new kind is one folder and one line here. */
export const SENSOR_KINDS: readonly AnyKind[] = [
  anyKind(absenceKind),
  anyKind(correlationKind),
  anyKind(notifyKind),
  anyKind(incidentKind),
];

/** The kind of `sensor`. */
export function kindOf(sensor: Sensor): AnyKind {
  const kind = SENSOR_KINDS.find((k) => k.owns(sensor));
  if (!kind) throw new Error(`sensor ${sensor.metadata.name} has neither an incident, a notify nor a condition`);
  return kind;
}
