import { type HubEvent } from '@hub/contracts';
import { type Sensor } from '../../definitions/sensor.schema.js';
import { startedAtOf } from '../../matching/event-facts.js';
import { type IncidentPlan, planIncident, type PlanOptions } from '../../matching/incident-plan.js';
import { type SensorStores } from '../../stores/sensor-stores.js';
import { matchingDependency, missOf } from '../dependencies.js';
import {
  type Applied,
  type ApplyContext,
  type KindPlan,
  PHASE,
  type SensorKind,
  type SensorMatch,
} from '../sensor-kind.js';
import { applyResolve, type ResolveStep, resolveStepOf } from './resolve.js';

/** A dependency matched: the incident state machine decides what that means for its key. */
export interface TriggerStep extends KindPlan {
  readonly step: 'trigger';
  readonly incident: IncidentPlan;
}

export type IncidentKindPlan = TriggerStep | ResolveStep;

/**
 * The plain sensor: an event of a dependency opens (or repeats, remediates, escalates) the
 * incident of its key, the `resolveOn` event resolves it; silences and approvals hold it back.
 */
export const incidentKind: SensorKind<IncidentKindPlan> = {
  name: 'incident',
  owns: (sensor) => sensor.spec.incident !== undefined,
  match(sensor: Sensor, event: HubEvent, options: PlanOptions): SensorMatch<IncidentKindPlan> {
    const dependency = matchingDependency(sensor, event);
    const plans: IncidentKindPlan[] = [
      ...(dependency ? [triggerStep(planIncident(sensor, dependency, event, options))] : []),
      ...resolveStepOf(sensor, event),
    ];
    return plans.length > 0 ? { plans } : { plans, miss: missOf(sensor, event) };
  },
  apply(stores, plan, event, context) {
    return plan.step === 'resolve' ? applyResolve(stores, plan, event, context) : trigger(stores, plan, event, context);
  },
};

export function triggerStep(incident: IncidentPlan): TriggerStep {
  return {
    step: 'trigger',
    sensor: incident.sensor,
    incident,
    order: { phase: PHASE.incident, lock: incident.key },
  };
}

/** The people gates, then the state machine; a remediation with an `approval:` waits instead of starting. */
async function trigger(
  stores: SensorStores,
  { incident }: TriggerStep,
  event: HubEvent,
  { incidents, gates }: ApplyContext,
): Promise<Applied> {
  stores.incidents.expect?.(incident.key, { sensor: incident.sensor, startsAt: startedAtOf(event) });
  const held = await gates.hold(stores, incident, event);
  if (held === 'silenced') return { outcome: held, why: `a silence covers ${incident.key}`, events: [] };
  if (held) return { outcome: held, why: `a remediation of ${incident.key} waits for approval`, events: [] };
  const step = await incidents.onTriggered(stores, incident, event);
  return { ...step, events: await gates.gate(stores, step.events) };
}
