import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { trace } from '@opentelemetry/api';
import { type HubEvent } from '@hub/contracts';
import { HubMessageContext } from '@hub/messaging';
import { AuditLogSink } from './audit-log.sink.js';

/** Takes every event on the bus (S8) into the local audit log. */
@Controller()
export class AuditConsumer {
  private readonly logger = new Logger(AuditConsumer.name);

  constructor(@Inject(AuditLogSink) private readonly sink: AuditLogSink) {}

  @EventPattern<string>('#')
  async record(@Payload() event: HubEvent, @Ctx() ctx: HubMessageContext): Promise<void> {
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    const record = await this.sink.append(event, traceId);
    this.logger.log({
      msg: record ? 'event audited' : 'duplicate event skipped',
      eventId: event.id,
      type: event.type,
      source: event.source,
      hubsource: event.hubsource,
      subject: event.subject,
      attempt: ctx.getAttempt(),
      seq: record?.seq,
    });
  }
}
