import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type ActionResult, type HubEvent } from '@hub/contracts';
import { SensorEngine } from '../incidents/sensor.engine.js';

/** The executor's verdicts on the remediations the sensor asked for. */
@Controller()
export class ActionResultConsumer {
  constructor(@Inject(SensorEngine) private readonly engine: SensorEngine) {}

  @EventPattern<string>('action.succeeded')
  succeeded(@Payload() event: HubEvent<ActionResult>): Promise<void> {
    return this.engine.handleActionResult(event, true);
  }

  @EventPattern<string>('action.failed')
  failed(@Payload() event: HubEvent<ActionResult>): Promise<void> {
    return this.engine.handleActionResult(event, false);
  }
}
