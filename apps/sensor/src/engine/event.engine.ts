import { type ActionResult, type HubEvent } from '@hub/contracts';
import { PeopleGates } from '../decisions/people-gates.js';
import { type IncidentService } from '../incidents/incident.service.js';
import { type Miss } from '../kinds/sensor-kind.js';
import { type SensorPlanError } from '../matching/matching.errors.js';
import { type EventMatches, type SensorRegistry } from '../kinds/sensor.registry.js';
import { planSuccess } from '../matching/success-plan.js';
import { type SensorStores } from '../stores/sensor-stores.js';

/** What one plan of a sensor did with an event. */
export interface SensorOutcome {
  readonly sensor: string;
  /** The kind that planned it (`incident`, `notify`, `absence`, `correlation`). */
  readonly kind: string;
  /** The match metric's label: `triggered`, `repeat`, `notified`, `armed`, `correlating`, `silenced`, … */
  readonly outcome: string;
  /** Why nothing (new) happened. */
  readonly why?: string;
  /** What it publishes, in order. */
  readonly events: readonly HubEvent[];
}

/** What one event did to the loaded sensors. */
export interface HandledEvent {
  readonly outcomes: SensorOutcome[];
  readonly misses: { readonly sensor: string; readonly miss: Miss }[];
  readonly failures: SensorPlanError[];
  /** Every outcome's events, in order. */
  readonly events: HubEvent[];
}

/**
 * "What does this event do", written once: matches an event against the sensors (each answered by
 * its kind) and applies every plan over the given stores — PostgreSQL in one transaction in the
 * service (`SensorEngine`), memory in a dry run or `hub replay` (`DryRun`). No broker, no outbox,
 * no metrics here: the callers add those.
 */
export class EventEngine {
  private readonly gates: PeopleGates;

  constructor(
    private readonly registry: SensorRegistry,
    private readonly incidents: IncidentService,
    clock?: () => Date,
  ) {
    this.gates = new PeopleGates(clock);
  }

  /** What `event` asks of the loaded sensors (pure): the plans {@link handle} applies, in lock order. */
  match(event: HubEvent): EventMatches {
    return this.registry.match(event);
  }

  /** The event log, then every sensor's plans for `event` (matched now, or before by {@link match}) in lock order. */
  async handle(stores: SensorStores, event: HubEvent, matches = this.match(event)): Promise<HandledEvent> {
    const { steps, misses, failures } = matches;
    const context = { incidents: this.incidents, gates: this.gates, options: this.registry.options };
    await stores.eventLog.record(event); // the event log (GET /v1/events, hub replay)
    for (const step of steps) await step.lock(stores);
    const outcomes: SensorOutcome[] = [];
    for (const step of steps) {
      const applied = await step.apply(stores, event, context);
      outcomes.push({ sensor: step.plan.sensor, kind: step.kind, ...applied });
    }
    return { outcomes, misses, failures, events: outcomes.flatMap((o) => o.events) };
  }

  /** `action.succeeded` / `action.failed` from the executor, with the remediation trigger's `onSuccess`. */
  handleActionResult(stores: SensorStores, event: HubEvent<ActionResult>, succeeded: boolean): Promise<HubEvent[]> {
    return this.incidents.onActionResult(stores, {
      result: event.data,
      succeeded,
      event,
      planSuccess: (incident, result) =>
        planSuccess(
          this.registry.get(incident.sensor),
          incident.context.action?.trigger,
          { key: incident.key, title: incident.title, team: incident.context.team, fields: incident.context.fields },
          result,
          this.registry.options.teams,
        ),
    });
  }
}
