import { formatDuration } from '../../expressions/duration.js';
import { messageOf } from '../../incidents/incident-events.js';
import { type NotifyPlan, planNotify } from './notify-plan.js';
import { matchingDependency, missOf } from '../dependencies.js';
import { type KindPlan, PHASE, type SensorKind } from '../sensor-kind.js';

export interface NotifyStep extends KindPlan {
  readonly message: NotifyPlan;
}

/** `notify:` — a one-off team message per matching event (no incident), an identical repeat dropped (`dedup`). */
export const notifyKind: SensorKind<NotifyStep> = {
  name: 'notify',
  owns: (sensor) => sensor.spec.notify !== undefined,
  match(sensor, event, options) {
    const dependency = matchingDependency(sensor, event);
    if (!dependency) return { plans: [], miss: missOf(sensor, event) };
    const message = planNotify(sensor, dependency, event, options);
    return { plans: [{ sensor: message.sensor, message, order: { phase: PHASE.message, lock: message.sensor } }] };
  },
  async apply(stores, { message }, event) {
    const { dedup } = message;
    if (dedup && !(await stores.noise.claim(message.sensor, 'dedup', dedup.key, message.eventAt, dedup.withinMs))) {
      return {
        outcome: 'duplicate',
        why: `duplicate of an event within ${formatDuration(dedup.withinMs)}`,
        events: [],
      };
    }
    return { outcome: 'notified', events: [messageOf(message, event)] };
  },
};
