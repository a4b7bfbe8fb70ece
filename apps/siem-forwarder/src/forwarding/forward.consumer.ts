import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { trace } from '@opentelemetry/api';
import { type HubEvent } from '@hub/contracts';
import { HubMessageContext } from '@hub/messaging';
import { ForwarderService } from './forwarder.service.js';

/**
 * Takes every event on the bus (S8: ingested events, decisions, actions) to every sink. The
 * handler resolves once every sink took the event, so the transport acks only then; a record a
 * sink refused for good comes back as a DeadLetterError and is parked with the reason.
 */
@Controller()
export class ForwardConsumer {
  private readonly logger = new Logger(ForwardConsumer.name);

  constructor(@Inject(ForwarderService) private readonly forwarder: ForwarderService) {}

  @EventPattern<string>('#')
  async record(@Payload() event: HubEvent, @Ctx() ctx: HubMessageContext): Promise<void> {
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    await this.forwarder.forward(event, traceId);
    this.logger.log({
      msg: 'event audited',
      eventId: event.id,
      type: event.type,
      source: event.source,
      hubsource: event.hubsource,
      subject: event.subject,
      attempt: ctx.getAttempt(),
      sinks: this.forwarder.sinks,
    });
  }
}
