import { Inject, Injectable } from '@nestjs/common';
import { type DecisionMade, type HubEvent } from '@hub/contracts';
import { IncidentService } from '../incidents/incident.service.js';
import { SensorEngine } from '../incidents/sensor.engine.js';
import { SENSOR_OPTIONS, type SensorOptions } from '../sensor.options.js';
import { DecisionService } from './decision.service.js';

/** Runs a `decision.made` once (the engine's `runOnce` + outbox), as the engine runs any event. */
@Injectable()
export class DecisionHandler {
  private readonly decisions: DecisionService;

  constructor(
    @Inject(SensorEngine) private readonly engine: SensorEngine,
    @Inject(IncidentService) incidents: IncidentService,
    @Inject(SENSOR_OPTIONS) private readonly options: SensorOptions,
  ) {
    this.decisions = new DecisionService(incidents);
  }

  async handle(event: HubEvent<DecisionMade>): Promise<void> {
    const now = this.options.clock?.() ?? new Date();
    await this.engine.process(event, (trx) => this.decisions.apply(trx, event.data, event, now));
  }
}
