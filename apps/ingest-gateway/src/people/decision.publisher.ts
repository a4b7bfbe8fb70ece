import { Injectable } from '@nestjs/common';
import { createEvent, type DecisionMade, type HubEvent, HubIssuer } from '@hub/contracts';
import { HubPublisher } from '@hub/messaging';

/** Publishes a checked decision as `decision.made` (the gateway is its issuer), resolving on the broker's confirm. */
@Injectable()
export class DecisionPublisher {
  constructor(private readonly publisher: HubPublisher) {}

  async publish(decision: DecisionMade): Promise<HubEvent<DecisionMade>> {
    const event = createEvent({
      type: 'decision.made',
      source: `/gateway/${decision.via}`,
      hubsource: HubIssuer.gateway,
      subject: decision.approvalId ?? decision.incidentId ?? decision.decision,
      data: decision,
    });
    await this.publisher.publish(event);
    return event;
  }
}
