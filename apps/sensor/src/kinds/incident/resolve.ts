import { type HubEvent } from '@hub/contracts';
import { type Sensor } from '../../definitions/sensor.schema.js';
import { type ResolvePlan } from '../../matching/incident-plan.js';
import { type SensorStores } from '../../stores/sensor-stores.js';
import { renderOrFail, resolves } from '../dependencies.js';
import { type Applied, type ApplyContext, type KindPlan, PHASE } from '../sensor-kind.js';

/** The sensor's `resolveOn` event arrived for one of its incident keys (every kind with an incident has it). */
export interface ResolveStep extends KindPlan, ResolvePlan {
  readonly step: 'resolve';
}

/** The resolution `event` asks of `sensor`, if it is the sensor's `resolveOn` and passes its filters. */
export function resolveStepOf(sensor: Sensor, event: HubEvent): ResolveStep[] {
  if (!resolves(sensor, event)) return [];
  const key = renderOrFail(sensor, event, 'spec.incident.key', sensor.spec.incident!.key);
  return [{ step: 'resolve', sensor: sensor.metadata.name, key, order: { phase: PHASE.incident, lock: key } }];
}

/** Resolves the open incident of the key, if there is one. */
export async function applyResolve(
  stores: SensorStores,
  plan: ResolveStep,
  event: HubEvent,
  { incidents }: ApplyContext,
): Promise<Applied> {
  const step = await incidents.onResolved(stores, plan, event);
  return { outcome: 'resolved', ...step };
}
