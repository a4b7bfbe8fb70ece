import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ActionResult, type HubEvent, eventIdentity } from '@hub/contracts';
import { type Database, recordEvent, runOnce } from '@hub/database';
import { type SensorRegistry } from '../matching/sensor.registry.js';
import { planSuccess } from '../matching/success-plan.js';
import { SensorMetrics } from '../metrics/sensor.metrics.js';
import { SensorOutbox } from '../outbox/sensor.outbox.js';
import { SENSOR_DATABASE, SENSOR_OPTIONS, SENSOR_REGISTRY, type SensorOptions } from '../sensor.options.js';
import { PeopleGates } from '../decisions/people-gates.js';
import { CorrelationService } from './correlation.service.js';
import { messageOf } from './incident-events.js';
import { IncidentService } from './incident.service.js';
import { NoiseRepository } from './noise.repository.js';
import { type SensorTables, type SensorTransaction } from './sensor-database.js';

type Work = (trx: SensorTransaction) => Promise<HubEvent[]>;

/**
 * What the consumers call. Matches an event against the sensors, runs the incident state machine
 * for each match in ONE transaction that also marks the event processed (`runOnce`) and stages the
 * events to publish (outbox), then publishes them once that transaction committed.
 */
@Injectable()
export class SensorEngine {
  private readonly logger = new Logger(SensorEngine.name);
  private readonly noise = new NoiseRepository();
  private readonly correlations: CorrelationService;
  private readonly gates: PeopleGates;

  constructor(
    @Inject(SENSOR_DATABASE) private readonly db: Database,
    @Inject(SENSOR_REGISTRY) private readonly registry: SensorRegistry,
    @Inject(SENSOR_OPTIONS) private readonly options: SensorOptions,
    @Inject(IncidentService) private readonly incidents: IncidentService,
    @Inject(SensorOutbox) private readonly outbox: SensorOutbox,
    @Inject(SensorMetrics) private readonly metrics: SensorMetrics,
  ) {
    this.correlations = new CorrelationService(incidents);
    this.gates = new PeopleGates(options.clock);
  }

  /** An event some sensor may depend on (`alert.firing`) or resolve on (`alert.resolved`). */
  async handleEvent(event: HubEvent): Promise<void> {
    const { triggered, resolving, notifying, arming, disarming, correlating, failures } = this.registry.match(event);
    for (const failure of failures) {
      this.logger.error({
        msg: failure.message,
        sensor: failure.sensor,
        eventId: event.id,
        problems: failure.problems,
      });
      this.metrics.matches.inc({ sensor: failure.sensor, outcome: 'template-error' });
    }
    if (triggered.length === 0 && resolving.length === 0 && notifying.length === 0 && correlating.length === 0) {
      this.logger.debug({ msg: 'no sensor matches', eventId: event.id, type: event.type, subject: event.subject });
    }
    // One lock order for every transaction (by key), so two events never wait on each other in a cycle.
    const outcomes: { sensor: string; outcome: string }[] = [];
    const steps = [
      ...triggered.map((plan) => ({
        key: plan.key,
        run: async (trx: SensorTransaction) => {
          const held = await this.gates.hold(trx, plan, event);
          if (held) {
            outcomes.push({ sensor: plan.sensor, outcome: held });
            return [];
          }
          const step = await this.incidents.onTriggered(trx, plan, event);
          outcomes.push({ sensor: plan.sensor, outcome: step.outcome });
          if (step.why)
            this.logger.debug({ msg: step.why, sensor: plan.sensor, outcome: step.outcome, eventId: event.id });
          return this.gates.gate(trx, step.events);
        },
      })),
      ...resolving.map((plan) => ({
        key: plan.key,
        run: async (trx: SensorTransaction) => {
          outcomes.push({ sensor: plan.sensor, outcome: 'resolved' });
          return this.incidents.onResolved(trx, plan, event);
        },
      })),
    ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const duplicate = await this.process(event, async (trx) => {
      outcomes.length = 0;
      await recordEvent(trx, event); // the event log (GET /v1/events, hub replay)
      for (const deadline of arming) {
        // The first event arms; a repeat before the deadline keeps the earlier one.
        await trx
          .insertInto('sensor_deadlines')
          .values({ sensor: deadline.sensor, key: deadline.key, due_at: deadline.dueAt, event: JSON.stringify(event) })
          .onConflict((oc) => oc.columns(['sensor', 'key']).doNothing())
          .execute();
        outcomes.push({ sensor: deadline.sensor, outcome: 'armed' });
      }
      for (const { sensor, key } of disarming) {
        await trx.deleteFrom('sensor_deadlines').where('sensor', '=', sensor).where('key', '=', key).execute();
        outcomes.push({ sensor, outcome: 'disarmed' });
      }
      const published: HubEvent[] = [];
      for (const plan of notifying) {
        const first =
          !plan.dedup ||
          (await this.noise.claim(trx, plan.sensor, 'dedup', plan.dedup.key, plan.eventAt, plan.dedup.withinMs));
        outcomes.push({ sensor: plan.sensor, outcome: first ? 'notified' : 'duplicate' });
        if (first) published.push(messageOf(plan, event));
      }
      published.push(...(await this.correlations.advance(trx, correlating, event, this.registry.options, outcomes)));
      for (const step of steps) published.push(...(await step.run(trx)));
      return published;
    });
    if (duplicate) return;
    for (const { sensor, outcome } of outcomes) this.metrics.matches.inc({ sensor, outcome });
  }

  /** `action.succeeded` / `action.failed` from the executor. */
  async handleActionResult(event: HubEvent<ActionResult>, succeeded: boolean): Promise<void> {
    await this.process(event, (trx) =>
      this.incidents.onActionResult(trx, event.data, succeeded, event, (incident, result) =>
        planSuccess(
          this.registry.get(incident.sensor),
          incident.context.action?.trigger,
          { key: incident.key, title: incident.title, team: incident.context.team, fields: incident.context.fields },
          result,
          this.registry.options.teams,
        ),
      ),
    );
  }

  /**
   * Runs `work` once per event (source + id, `eventIdentity`) and publishes what it staged. On a redelivery (a retry after a
   * failed publish, a replica that died after committing) the work is skipped and what is still
   * staged for the event is published. Returns whether the event was a duplicate.
   */
  async process(event: HubEvent, work: Work): Promise<boolean> {
    const identity = eventIdentity(event);
    const outcome = await runOnce(this.db, this.options.consumer, identity, async (hubTrx) => {
      const trx = hubTrx.withTables<SensorTables>();
      const events = await work(trx);
      await this.outbox.stage(trx, identity, events);
      return events;
    });
    const pending = outcome.duplicate ? await this.outbox.pendingFor(identity) : (outcome.result ?? []);
    if (outcome.duplicate && pending.length > 0) {
      this.logger.warn({
        msg: 'republishing events staged by an earlier delivery',
        eventId: event.id,
        count: pending.length,
      });
    }
    await this.outbox.publish(pending);
    return outcome.duplicate;
  }
}
