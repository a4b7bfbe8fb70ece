import { type HubEvent } from '@hub/contracts';
import { type Sensor, type SensorDependency } from '../definitions/sensor.schema.js';
import { type Template } from '../expressions/template.js';
import { SensorPlanError } from '../matching/matching.errors.js';
import { type Miss } from './sensor-kind.js';

/** The first dependency whose event type and every filter match `event`. */
export function matchingDependency(sensor: Sensor, event: HubEvent): SensorDependency | undefined {
  return sensor.spec.dependencies.find((d) => d.eventType === event.type && d.filters.every((f) => f.matches(event)));
}

/** Whether the dependency named `name` matches `event`. */
export function dependencyMatches(sensor: Sensor, name: string, event: HubEvent): boolean {
  return sensor.spec.dependencies.some(
    (d) => d.name === name && d.eventType === event.type && d.filters.every((f) => f.matches(event)),
  );
}

/** A `resolveOn` event passes the filters of some dependency (a resolved alert keeps the labels it fired with). */
export function resolves(sensor: Sensor, event: HubEvent): boolean {
  return (
    sensor.spec.incident?.resolveOn === event.type &&
    sensor.spec.dependencies.some((d) => d.filters.every((f) => f.matches(event)))
  );
}

/** Why `event` matched nothing of `sensor`: no dependency on its type, or the filter that failed. */
export function missOf(sensor: Sensor, event: HubEvent): Miss {
  const failing = (d: SensorDependency) => d.filters.find((f) => !f.matches(event));
  const candidate = sensor.spec.dependencies.find((d) => d.eventType === event.type);
  if (candidate) {
    return skipped(`filter failed on dependency ${candidate.name}: ${failing(candidate)?.describe() ?? '?'}`);
  }
  if (sensor.spec.incident?.resolveOn === event.type) {
    const filter = sensor.spec.dependencies.map(failing).find((f) => f !== undefined);
    return skipped(`resolution filter failed: ${filter?.describe() ?? '?'}`);
  }
  return skipped(`does not depend on ${event.type}`);
}

function skipped(reason: string): Miss {
  return { outcome: 'skipped', reason };
}

/** Renders `template` for `event`, a failure naming the sensor field. */
export function renderOrFail(sensor: Sensor, event: HubEvent, field: string, template: Template): string {
  try {
    return template.render(event);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SensorPlanError(sensor.metadata.name, event.id, [{ field, message }]);
  }
}
