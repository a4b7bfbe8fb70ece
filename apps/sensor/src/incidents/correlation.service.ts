import { Logger } from '@nestjs/common';
import { type HubEvent } from '@hub/contracts';
import { advanceCorrelation } from '../matching/correlation.js';
import { planIncident, type PlanOptions } from '../matching/incident-plan.js';
import { SensorPlanError } from '../matching/matching.errors.js';
import { type CorrelationPlan } from '../matching/sensor.registry.js';
import { CorrelationRepository } from './correlation.repository.js';
import { type IncidentService } from './incident.service.js';
import { type SensorTransaction } from './sensor-database.js';

/** What a correlation step did, for the match metric: `correlating` (partial), else the incident's outcome. */
export interface CorrelationOutcome {
  readonly sensor: string;
  readonly outcome: string;
}

/**
 * Correlation conditions (`condition.all`, `condition.sequence`) in the consuming event's
 * transaction: each key's partial match is advanced under its lock, and the event that completes
 * a condition runs the incident machine as a plain trigger would (templates see that event). The
 * event's `runOnce` marker and the key lock together make the completion happen once, whichever
 * replica handles which event.
 */
export class CorrelationService {
  private readonly logger = new Logger(CorrelationService.name);
  private readonly repository = new CorrelationRepository();

  constructor(private readonly incidents: IncidentService) {}

  async advance(
    trx: SensorTransaction,
    plans: readonly CorrelationPlan[],
    event: HubEvent,
    options: PlanOptions,
    outcomes: CorrelationOutcome[],
  ): Promise<HubEvent[]> {
    const ordered = [...plans].sort((a, b) => lockName(a).localeCompare(lockName(b)));
    // Every correlation lock before any incident lock (taken by onTriggered), in one order: no cycle.
    for (const plan of ordered) await this.repository.lock(trx, plan.sensor.metadata.name, plan.key);
    const published: HubEvent[] = [];
    for (const plan of ordered) {
      const sensor = plan.sensor.metadata.name;
      const previous = await this.repository.read(trx, sensor, plan.key);
      const step = advanceCorrelation(plan.condition, previous, {
        dependency: plan.dependency.name,
        eventId: event.id,
        at: plan.at.getTime(),
      });
      if (!step.complete) {
        await this.repository.write(trx, sensor, plan.key, step.seen, plan.condition.withinMs);
        this.logger.debug({ msg: step.why, sensor, key: plan.key, eventId: event.id });
        outcomes.push({ sensor, outcome: 'correlating' });
        continue;
      }
      try {
        const incident = planIncident(plan.sensor, plan.dependency, event, options);
        // Forgotten before the incident runs: a template error above keeps the partial match instead.
        await this.repository.write(trx, sensor, plan.key, [], plan.condition.withinMs);
        const result = await this.incidents.onTriggered(trx, incident, event);
        outcomes.push({ sensor, outcome: result.outcome });
        published.push(...result.events);
      } catch (error) {
        if (!(error instanceof SensorPlanError)) throw error;
        this.logger.error({ msg: error.message, sensor, eventId: event.id, problems: error.problems });
        outcomes.push({ sensor, outcome: 'template-error' });
      }
    }
    return published;
  }

  /** Drops partial matches whose window closed before `before`. */
  sweep(trx: Pick<SensorTransaction, 'deleteFrom'>, before: Date): Promise<number> {
    return this.repository.sweep(trx, before);
  }
}

function lockName(plan: CorrelationPlan): string {
  return `${plan.sensor.metadata.name}/${plan.key}`;
}
