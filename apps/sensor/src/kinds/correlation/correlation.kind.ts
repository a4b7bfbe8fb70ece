import { Logger } from '@nestjs/common';
import { type Sensor, type SensorDependency } from '../../definitions/sensor.schema.js';
import { type Template } from '../../expressions/template.js';
import { advanceCorrelation, type Correlation, correlationOf, describeKey } from './correlation.js';
import { eventTime, planIncident } from '../../matching/incident-plan.js';
import { SensorPlanError } from '../../matching/matching.errors.js';
import { matchingDependency, missOf, renderOrFail } from '../dependencies.js';
import { applyResolve, type ResolveStep, resolveStepOf } from '../incident/resolve.js';
import { type KindPlan, PHASE, type SensorKind } from '../sensor-kind.js';

/** An event of a correlation condition's dependency (`condition.all` / `sequence`), for its key. */
export interface CorrelateStep extends KindPlan {
  readonly step: 'correlate';
  readonly definition: Sensor;
  readonly dependency: SensorDependency;
  readonly condition: Correlation & { readonly correlate: Template };
  /** The rendered `correlate` key. */
  readonly key: string;
  readonly at: Date;
}

export type CorrelationKindPlan = CorrelateStep | ResolveStep;

const logger = new Logger('CorrelationKind');

/**
 * Correlation conditions (`condition.all`, `condition.sequence`): each key's partial match is
 * advanced under its lock, and the event that completes a condition runs the incident machine as
 * a plain trigger would (templates see that event). The event's `runOnce` marker and the key lock
 * together make the completion happen once, whichever replica handles which event.
 */
export const correlationKind: SensorKind<CorrelationKindPlan> = {
  name: 'correlation',
  owns: (sensor) => correlationOf(sensor) !== undefined,
  match(sensor, event) {
    const condition = correlationOf(sensor)!;
    const dependency = matchingDependency(sensor, event);
    const plans: CorrelationKindPlan[] = [];
    if (dependency) {
      const field = `spec.condition.${condition.kind}.correlate`;
      const key = renderOrFail(sensor, event, field, condition.correlate);
      // An empty key would correlate every event lacking the value with every other one.
      if (key.trim() === '')
        throw new SensorPlanError(sensor.metadata.name, event.id, [{ field, message: 'is empty' }]);
      const name = sensor.metadata.name;
      const order = { phase: PHASE.correlation, lock: `${name}/${key}` };
      plans.push({
        step: 'correlate',
        sensor: name,
        definition: sensor,
        dependency,
        condition,
        key,
        at: eventTime(event),
        order,
      });
    }
    plans.push(...resolveStepOf(sensor, event));
    return plans.length > 0 ? { plans } : { plans, miss: missOf(sensor, event) };
  },
  async lock(stores, plan) {
    // Every correlation lock before any incident lock (taken by the state machine), in one order: no cycle.
    if (plan.step === 'correlate') await stores.correlations.lock(plan.sensor, plan.key);
  },
  async apply(stores, plan, event, context) {
    if (plan.step === 'resolve') return applyResolve(stores, plan, event, context);
    const { sensor, key, condition, dependency } = plan;
    const previous = await stores.correlations.read(sensor, key);
    const step = advanceCorrelation(condition, previous, {
      dependency: dependency.name,
      eventId: event.id,
      at: plan.at.getTime(),
    });
    if (!step.complete) {
      await stores.correlations.write(sensor, key, step.seen, condition.withinMs);
      const why = `${condition.kind}: ${dependency.name} seen for ${describeKey(condition.correlate, key)}; ${step.why}`;
      return { outcome: 'correlating', why, events: [] };
    }
    try {
      const incident = planIncident(plan.definition, dependency, event, context.options);
      // Forgotten before the incident runs: a template error above keeps the partial match instead.
      await stores.correlations.write(sensor, key, [], condition.withinMs);
      return await context.incidents.onTriggered(stores, incident, event);
    } catch (error) {
      if (!(error instanceof SensorPlanError)) throw error;
      logger.error({ msg: error.message, sensor, eventId: event.id, problems: error.problems });
      return { outcome: 'template-error', why: `matched, but ${describeProblems(error)}`, events: [] };
    }
  },
};

/** `field: message; …` of a template failure. */
export function describeProblems(error: SensorPlanError): string {
  return error.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}
