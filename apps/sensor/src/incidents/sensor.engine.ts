import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ActionResult, type HubEvent, eventIdentity } from '@hub/contracts';
import { type Database } from '@hub/database';
import { EventEngine, type HandledEvent } from '../engine/event.engine.js';
import { PHASE } from '../kinds/sensor-kind.js';
import { type EventMatches, type SensorRegistry } from '../kinds/sensor.registry.js';
import { SensorMetrics } from '../metrics/sensor.metrics.js';
import { SensorOutbox } from '../outbox/sensor.outbox.js';
import { SENSOR_DATABASE, SENSOR_OPTIONS, SENSOR_REGISTRY, type SensorOptions } from '../sensor.options.js';
import { pgStores } from '../stores/pg-sensor-stores.js';
import { type SensorStores } from '../stores/sensor-stores.js';
import { claimEvent } from './event-claim.js';
import { IncidentService } from './incident.service.js';
import { type SensorTables, type SensorTransaction } from './sensor-database.js';

/** The event's work, over the transaction's stores (or, for a decision, the transaction itself). */
type Work = (trx: SensorTransaction, stores: SensorStores) => Promise<HubEvent[]>;

/** How an event's transaction begins (its first statement, `claimEvent`). */
interface Start {
  /** Record the event in the event log. */
  readonly log: boolean;
  /** Incident keys to lock with the first statement. */
  readonly lockKeys: readonly string[];
}

/**
 * What the consumers call: the {@link EventEngine} over PostgreSQL, in ONE transaction per event
 * whose first statement marks the event processed (as `runOnce` does), records it in the event log
 * and takes its incident keys' locks (`claimEvent`), and whose last stages the events to publish
 * (outbox); then publishes them once that transaction committed, and counts the outcomes.
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
    const matches = this.engine.match(event);
    const start = { log: true, lockKeys: incidentLocksOf(matches) };
    const duplicate = await this.process(
      event,
      async (_trx, stores) => {
        handled = await this.engine.handle(stores, event, matches);
        return handled.events;
      },
      start,
    );
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
    // Its incident key (the executor copies the request's) is locked with the first statement.
    const lockKeys = typeof event.incidentkey === 'string' && event.incidentkey !== '' ? [event.incidentkey] : [];
    await this.process(event, (_trx, stores) => this.engine.handleActionResult(stores, event, succeeded), {
      log: false,
      lockKeys,
    });
  }

  /**
   * Runs `work` once per event (source + id, `eventIdentity`) and publishes what it staged. On a
   * redelivery (a retry after a failed publish, a replica that died after committing) the work is
   * skipped and what is still staged for the event is published. Returns whether the event was a duplicate.
   */
  async process(event: HubEvent, work: Work, start: Start = { log: false, lockKeys: [] }): Promise<boolean> {
    const identity = eventIdentity(event);
    const published = this.outbox.takeConfirmed();
    let outcome: { duplicate: true } | { duplicate: false; events: HubEvent[] };
    try {
      outcome = await this.db.transaction().execute(async (hubTrx) => {
        const trx = hubTrx.withTables<SensorTables>();
        const claim = { consumer: this.options.consumer, identity, published, lockKeys: start.lockKeys };
        if (!(await claimEvent(trx, { ...claim, ...(start.log ? { log: event } : {}) }))) {
          return { duplicate: true as const };
        }
        const events = await work(trx, pgStores(trx, { lockedKeys: start.lockKeys, eventLogged: start.log }));
        await this.outbox.stage(trx, identity, events);
        return { duplicate: false as const, events };
      });
    } catch (error) {
      this.outbox.giveBack(published);
      throw error;
    }
    const pending = outcome.duplicate ? await this.outbox.pendingFor(identity) : outcome.events;
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

/**
 * The incident keys an event's work locks, when it locks nothing else: taken with its first
 * statement, in the plans' order. Plans of other kinds lock their own names first (one lock order
 * for every handler), so then the incident kind takes its keys itself, after them.
 */
function incidentLocksOf({ steps }: EventMatches): string[] {
  if (!steps.every((step) => step.plan.order.phase === PHASE.incident)) return [];
  return [...new Set(steps.map((step) => step.plan.order.lock))];
}
