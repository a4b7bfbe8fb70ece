import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { trace } from '@opentelemetry/api';
import { type HubEvent, type TicketRequested } from '@hub/contracts';
import { DeadLetterError, HubMessageContext, RetryLaterError } from '@hub/messaging';
import { TicketingMetrics } from '../metrics/ticketing.metrics.js';
import {
  TicketClaimPendingError,
  TicketRateLimitedError,
  TicketRejectedError,
  TicketUnavailableError,
} from '../providers/provider.errors.js';
import { TicketService } from './ticket.service.js';

/** Takes `ticket.requested` off the bus and maps the outcome to ack / retry later / park. */
@Controller()
export class TicketRequestConsumer {
  private readonly logger = new Logger(TicketRequestConsumer.name);

  constructor(
    @Inject(TicketService) private readonly service: TicketService,
    @Inject(TicketingMetrics) private readonly metrics: TicketingMetrics,
  ) {}

  @EventPattern<string>('ticket.requested')
  async handle(@Payload() event: HubEvent<TicketRequested>, @Ctx() ctx: HubMessageContext): Promise<void> {
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    const base = {
      eventId: event.id,
      operation: event.data.operation,
      fingerprint: event.data.fingerprint,
      attempt: ctx.getAttempt(),
    };
    try {
      const { outcome, ticket } = await this.service.apply(event.data, {
        eventId: event.id,
        time: event.time,
        traceId,
      });
      this.metrics.record(event.data.operation, outcome);
      this.logger.log({ msg: 'ticket request handled', ...base, outcome, ticket });
    } catch (error) {
      const mapped = toAckError(error);
      this.metrics.record(event.data.operation, mapped instanceof DeadLetterError ? 'rejected' : 'retry');
      this.logger.warn({ msg: 'ticket request failed', ...base, error: mapped.message });
      throw mapped;
    }
  }
}

/** Final vendor refusals park the message with the vendor's words; everything else is retried. */
export function toAckError(error: unknown): RetryLaterError | DeadLetterError {
  if (error instanceof TicketRejectedError) return new DeadLetterError(error.message);
  if (error instanceof TicketRateLimitedError || error instanceof TicketClaimPendingError) {
    return new RetryLaterError(error.message, error.retryAfterMs > 0 ? error.retryAfterMs : undefined);
  }
  if (error instanceof TicketUnavailableError) return new RetryLaterError(error.message, error.retryAfterMs);
  if (error instanceof RetryLaterError || error instanceof DeadLetterError) return error;
  return new RetryLaterError(error instanceof Error ? error.message : String(error));
}
