import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type DecisionMade, type HubEvent } from '@hub/contracts';
import { DecisionHandler } from '../decisions/decision.handler.js';

/** People's decisions from the gateway (Slack buttons, `hub approve`, `POST /v1/approvals/{id}`). */
@Controller()
export class DecisionConsumer {
  constructor(@Inject(DecisionHandler) private readonly decisions: DecisionHandler) {}

  @EventPattern<string>('decision.made')
  made(@Payload() event: HubEvent<DecisionMade>): Promise<void> {
    return this.decisions.handle(event);
  }
}
