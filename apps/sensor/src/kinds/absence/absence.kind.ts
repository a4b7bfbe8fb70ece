import { eventTime } from '../../matching/incident-plan.js';
import { dependencyMatches, missOf, renderOrFail } from '../dependencies.js';
import { applyResolve, type ResolveStep, resolveStepOf } from '../incident/resolve.js';
import { type KindPlan, PHASE, type SensorKind } from '../sensor-kind.js';

/** `after` arrived: open the incident at `dueAt` unless `missing` comes first (the sweeper opens it). */
export interface ArmStep extends KindPlan {
  readonly step: 'arm';
  readonly key: string;
  readonly dueAt: Date;
  readonly missing: string;
}

/** `missing` arrived: the deadline goes. */
export interface DisarmStep extends KindPlan {
  readonly step: 'disarm';
  readonly key: string;
}

export type AbsenceKindPlan = ArmStep | DisarmStep | ResolveStep;

/** `condition.absent`: an incident when `missing` does not follow `after` within `within`, per correlation key. */
export const absenceKind: SensorKind<AbsenceKindPlan> = {
  name: 'absence',
  owns: (sensor) => sensor.spec.condition?.absent !== undefined,
  match(sensor, event) {
    const absent = sensor.spec.condition!.absent!;
    const name = sensor.metadata.name;
    const keyed = () => {
      const key = renderOrFail(sensor, event, 'spec.condition.absent.correlate', absent.correlate);
      return { sensor: name, key, order: { phase: PHASE.deadline, lock: `${name}/${key}` } };
    };
    const plans: AbsenceKindPlan[] = [];
    if (dependencyMatches(sensor, absent.after, event)) {
      const dueAt = new Date(eventTime(event).getTime() + absent.within);
      plans.push({ step: 'arm', ...keyed(), dueAt, missing: absent.missing });
    }
    if (dependencyMatches(sensor, absent.missing, event)) plans.push({ step: 'disarm', ...keyed() });
    plans.push(...resolveStepOf(sensor, event));
    return plans.length > 0 ? { plans } : { plans, miss: missOf(sensor, event) };
  },
  async apply(stores, plan, event, context) {
    switch (plan.step) {
      case 'arm':
        // The first event arms; a repeat before the deadline keeps the earlier one.
        await stores.deadlines.arm(plan.sensor, plan.key, plan.dueAt, event);
        return {
          outcome: 'armed',
          why: `arms the absence deadline of ${plan.key}: incident at ${plan.dueAt.toISOString()} unless ${plan.missing} arrives`,
          events: [],
        };
      case 'disarm':
        await stores.deadlines.disarm(plan.sensor, plan.key);
        return { outcome: 'disarmed', why: `disarms the absence deadline of ${plan.key}`, events: [] };
      case 'resolve':
        return applyResolve(stores, plan, event, context);
    }
  },
};
