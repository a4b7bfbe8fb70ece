import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ActionResult, type HubEvent, eventIdentity } from '@hub/contracts';
import { type Database, runOnce } from '@hub/database';
import { EventEngine, type HandledEvent } from '../engine/event.engine.js';
import { type SensorRegistry } from '../kinds/sensor.registry.js';
import { SensorMetrics } from '../metrics/sensor.metrics.js';
import { SensorOutbox } from '../outbox/sensor.outbox.js';
import { SENSOR_DATABASE, SENSOR_OPTIONS, SENSOR_REGISTRY, type SensorOptions } from '../sensor.options.js';
import { pgStores } from '../stores/pg-sensor-stores.js';
import { IncidentService } from './incident.service.js';
import { type SensorTables, type SensorTransaction } from './sensor-database.js';

type Work = (trx: SensorTransaction) => Promise<HubEvent[]>;

/**
 * What the consumers call: the {@link EventEngine} over PostgreSQL, in ONE transaction per event
 * that also marks the event processed (`runOnce`) and stages the events to publish (outbox), then
 * publishes them once that transaction committed, and counts the outcomes.
 */
@Injectable()
export class SensorEngine {
  private readonly logger = new Logger(SensorEngine.name);
  private readonly engine: EventEngine;

  constructor(
    @Inject(SENSOR_DATABASE) private readonly db: Database,
    @Inject(SENSOR_REGISTRY) registry: SensorRegistry,
    @Inject(SENSOR_OPTIONS) private readonly options: SensorOptions,
    @Inject(IncidentService) incidents: IncidentService,
    @Inject(SensorOutbox) private readonly outbox: SensorOutbox,
    @Inject(SensorMetrics) private readonly metrics: SensorMetrics,
  ) {
    this.engine = new EventEngine(registry, incidents, options.clock);
  }

  /** An event some sensor may depend on (`alert.firing`) or resolve on (`alert.resolved`). */
  async handleEvent(event: HubEvent): Promise<void> {
    let handled: HandledEvent | undefined;
    const duplicate = await this.process(event, async (trx) => {
      handled = await this.engine.handle(pgStores(trx), event);
      return handled.events;
    });
    if (duplicate || !handled) return;
    for (const failure of handled.failures) {
      this.logger.error({
        msg: failure.message,
        sensor: failure.sensor,
        eventId: event.id,
        problems: failure.problems,
      });
      this.metrics.matches.inc({ sensor: failure.sensor, outcome: 'template-error' });
    }
    if (handled.outcomes.length === 0) {
      this.logger.debug({ msg: 'no sensor matches', eventId: event.id, type: event.type, subject: event.subject });
    }
    for (const { sensor, outcome, why } of handled.outcomes) {
      if (why) this.logger.debug({ msg: why, sensor, outcome, eventId: event.id });
      this.metrics.matches.inc({ sensor, outcome });
    }
  }

  /** `action.succeeded` / `action.failed` from the executor. */
  async handleActionResult(event: HubEvent<ActionResult>, succeeded: boolean): Promise<void> {
    await this.process(event, (trx) => this.engine.handleActionResult(pgStores(trx), event, succeeded));
  }

  /**
   * Runs `work` once per event (source + id, `eventIdentity`) and publishes what it staged. On a
   * redelivery (a retry after a failed publish, a replica that died after committing) the work is
   * skipped and what is still staged for the event is published. Returns whether the event was a duplicate.
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
