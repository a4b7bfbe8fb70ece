import { type HubEvent } from '@hub/contracts';
import { type LoadedSensor } from '../definitions/sensor-loader.js';
import { type Sensor } from '../definitions/sensor.schema.js';
import { kindOf, type PlannedStep } from './sensor-kinds.js';
import { type Miss, type PlanOrder } from './sensor-kind.js';
import { type PlanOptions } from '../matching/incident-plan.js';
import { SensorPlanError } from '../matching/matching.errors.js';

/** What one event means to the loaded sensors. */
export interface EventMatches {
  /** Every plan of every matching sensor, in the order the engine locks and applies them. */
  readonly steps: PlannedStep[];
  /** Sensors that matched nothing, and why (dry runs print it). */
  readonly misses: { readonly sensor: string; readonly miss: Miss }[];
  /** Sensors that matched but whose templates could not be filled from the event. */
  readonly failures: SensorPlanError[];
}

/**
 * The loaded sensors, and the question the engine asks them: what does this event ask of each —
 * answered by the sensor's kind (`kinds/`), one plan per thing to do, ordered so every handler takes
 * its locks in one order. Hot reload swaps the whole set in one assignment ({@link replace}), so
 * an event is matched against the old set or the new one, never a mix.
 */
export class SensorRegistry {
  private byName: ReadonlyMap<string, Sensor>;

  constructor(
    loaded: readonly LoadedSensor[],
    private planOptions: PlanOptions = { forceDryRun: false },
  ) {
    this.byName = new Map(loaded.map(({ sensor }) => [sensor.metadata.name, sensor]));
  }

  /** How events are planned: the dry-run switch and the teams directory. */
  get options(): PlanOptions {
    return this.planOptions;
  }

  /** Swaps in a new, fully validated set of sensors (and the teams they were checked against). */
  replace(loaded: readonly LoadedSensor[], options: PlanOptions = this.planOptions): void {
    this.byName = new Map(loaded.map(({ sensor }) => [sensor.metadata.name, sensor]));
    this.planOptions = options;
  }

  get sensors(): Sensor[] {
    return [...this.byName.values()];
  }

  get(name: string): Sensor | undefined {
    return this.byName.get(name);
  }

  /** Every event type some sensor reacts to (the queue must be bound to each). */
  eventTypes(): string[] {
    const types = this.sensors.flatMap((s) => [
      ...s.spec.dependencies.map((d) => d.eventType),
      ...(s.spec.incident ? [s.spec.incident.resolveOn] : []),
    ]);
    return [...new Set(types)].sort();
  }

  match(event: HubEvent): EventMatches {
    const matches: EventMatches = { steps: [], misses: [], failures: [] };
    for (const sensor of this.sensors) {
      try {
        const { steps, miss } = kindOf(sensor).plan(sensor, event, this.planOptions);
        matches.steps.push(...steps);
        if (miss) matches.misses.push({ sensor: sensor.metadata.name, miss });
      } catch (error) {
        if (!(error instanceof SensorPlanError)) throw error;
        matches.failures.push(error);
      }
    }
    matches.steps.sort((a, b) => compareOrder(a.plan.order, b.plan.order));
    return matches;
  }
}

function compareOrder(a: PlanOrder, b: PlanOrder): number {
  if (a.phase !== b.phase) return a.phase - b.phase;
  return a.lock < b.lock ? -1 : a.lock > b.lock ? 1 : 0;
}
