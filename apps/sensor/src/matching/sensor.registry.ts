import { type HubEvent } from '@hub/contracts';
import { type LoadedSensor } from '../definitions/sensor-loader.js';
import { type Sensor, type SensorDependency } from '../definitions/sensor.schema.js';
import { type Template } from '../expressions/template.js';
import { eventTime, type IncidentPlan, planIncident, type PlanOptions, type ResolvePlan } from './incident-plan.js';
import { type Correlation, correlationOf } from './correlation.js';
import { SensorPlanError } from './matching.errors.js';
import { type NotifyPlan, planNotify } from './notify-plan.js';

/** An absence deadline to arm: open the incident at `dueAt` unless the missing event came. */
export interface DeadlinePlan {
  readonly sensor: string;
  readonly key: string;
  readonly dueAt: Date;
}

/** An event of a correlation condition's dependency (`condition.all` / `sequence`), for its key. */
export interface CorrelationPlan {
  readonly sensor: Sensor;
  readonly dependency: SensorDependency;
  readonly condition: Correlation;
  /** The rendered `correlate` key. */
  readonly key: string;
  readonly at: Date;
}

/** What one event means to the loaded sensors. */
export interface EventMatches {
  readonly triggered: IncidentPlan[];
  readonly resolving: ResolvePlan[];
  /** Team messages of notify sensors (no incident). */
  readonly notifying: NotifyPlan[];
  /** Absence rules this event starts (`condition.absent.after`): a deadline per correlation key. */
  readonly arming: DeadlinePlan[];
  /** Absence rules this event satisfies (`condition.absent.missing`): the deadline goes. */
  readonly disarming: { readonly sensor: string; readonly key: string }[];
  /** Correlation conditions this event advances (and may complete) for a key. */
  readonly correlating: CorrelationPlan[];
  /** Sensors that matched but whose templates could not be filled from the event. */
  readonly failures: SensorPlanError[];
}

/**
 * The loaded sensors, and the question the consumers ask them: which sensors does this event
 * trigger (a dependency's type and every one of its filters match) and which incidents does it
 * resolve (the sensor's `resolveOn` type, matched by the same filters — a resolved alert carries
 * the labels it fired with). Hot reload swaps the whole set in one assignment ({@link replace}), so
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
    const matches: EventMatches = {
      triggered: [],
      resolving: [],
      notifying: [],
      arming: [],
      disarming: [],
      correlating: [],
      failures: [],
    };
    for (const sensor of this.sensors) {
      try {
        const absent = sensor.spec.condition?.absent;
        if (absent) {
          const matched = (name: string) =>
            sensor.spec.dependencies.some(
              (d) => d.name === name && d.eventType === event.type && d.filters.every((f) => f.matches(event)),
            );
          const key = () => renderOrFail(sensor, event, 'spec.condition.absent.correlate', absent.correlate);
          const name = sensor.metadata.name;
          if (matched(absent.after)) {
            matches.arming.push({
              sensor: name,
              key: key(),
              dueAt: new Date(eventTime(event).getTime() + absent.within),
            });
          }
          if (matched(absent.missing)) matches.disarming.push({ sensor: name, key: key() });
          if (
            sensor.spec.incident?.resolveOn === event.type &&
            sensor.spec.dependencies.some((d) => d.filters.every((f) => f.matches(event)))
          ) {
            matches.resolving.push({ sensor: name, key: resolveKey(sensor, event) });
          }
          continue;
        }
        const dependency = sensor.spec.dependencies.find(
          (d) => d.eventType === event.type && d.filters.every((f) => f.matches(event)),
        );
        const correlation = correlationOf(sensor);
        if (correlation && dependency) {
          const field = `spec.condition.${correlation.kind}.correlate`;
          const key = renderOrFail(sensor, event, field, correlation.correlate);
          // An empty key would correlate every event lacking the value with every other one.
          if (key.trim() === '')
            throw new SensorPlanError(sensor.metadata.name, event.id, [{ field, message: 'is empty' }]);
          matches.correlating.push({ sensor, dependency, condition: correlation, key, at: eventTime(event) });
        } else if (dependency && sensor.spec.notify)
          matches.notifying.push(planNotify(sensor, dependency, event, this.planOptions));
        else if (dependency) matches.triggered.push(planIncident(sensor, dependency, event, this.planOptions));
        if (sensor.spec.incident?.resolveOn === event.type) {
          const resolving = sensor.spec.dependencies.some((d) => d.filters.every((f) => f.matches(event)));
          if (resolving) matches.resolving.push({ sensor: sensor.metadata.name, key: resolveKey(sensor, event) });
        }
      } catch (error) {
        if (!(error instanceof SensorPlanError)) throw error;
        matches.failures.push(error);
      }
    }
    return matches;
  }
}

function renderOrFail(sensor: Sensor, event: HubEvent, field: string, template: Template): string {
  try {
    return template.render(event);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SensorPlanError(sensor.metadata.name, event.id, [{ field, message }]);
  }
}

function resolveKey(sensor: Sensor, event: HubEvent): string {
  try {
    return sensor.spec.incident!.key.render(event);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SensorPlanError(sensor.metadata.name, event.id, [{ field: 'spec.incident.key', message }]);
  }
}
