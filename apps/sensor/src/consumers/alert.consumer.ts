import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type AlertData, type HubEvent } from '@hub/contracts';
import { SensorEngine } from '../incidents/sensor.engine.js';

/** Alerts from the gateway: firing ones may open or move incidents, resolved ones close them. */
@Controller()
export class AlertConsumer {
  constructor(@Inject(SensorEngine) private readonly engine: SensorEngine) {}

  @EventPattern<string>('alert.firing')
  firing(@Payload() event: HubEvent<AlertData>): Promise<void> {
    return this.engine.handleEvent(event);
  }

  @EventPattern<string>('alert.resolved')
  resolved(@Payload() event: HubEvent<AlertData>): Promise<void> {
    return this.engine.handleEvent(event);
  }
}
