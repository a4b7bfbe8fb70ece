import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type HubEvent } from '@hub/contracts';
import { SensorEngine } from '../incidents/sensor.engine.js';

/**
 * The typed events of the gateway's push sources (`git.*`, `ci.*`, `registry.*`, docs/sources.md):
 * consumed whether or not a loaded sensor names them, so each lands in the event log
 * (`hub events --type git.push`) and reaches the sensors that do.
 */
@Controller()
export class SourceEventConsumer {
  constructor(@Inject(SensorEngine) private readonly engine: SensorEngine) {}

  @EventPattern<string>('git.#')
  git(@Payload() event: HubEvent): Promise<void> {
    return this.engine.handleEvent(event);
  }

  @EventPattern<string>('ci.#')
  ci(@Payload() event: HubEvent): Promise<void> {
    return this.engine.handleEvent(event);
  }

  @EventPattern<string>('registry.#')
  registry(@Payload() event: HubEvent): Promise<void> {
    return this.engine.handleEvent(event);
  }
}
