import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { trace } from '@opentelemetry/api';
import { type HubEvent, type NotificationRequested } from '@hub/contracts';
import {
  DeadLetterError,
  DependencyUnavailableError,
  HubMessageContext,
  RetryLaterError,
  unavailableDependency,
} from '@hub/messaging';
import { ChannelHeldError, ChannelRateLimitedError } from '../channels/channel.errors.js';
import { isNewerUpdateOf } from './newer-update.js';
import { type ChannelReport, NotificationService } from './notification.service.js';

/** Takes `notification.requested` off the bus and maps the channels' reports to ack / retry / park. */
@Controller()
export class NotificationConsumer {
  private readonly logger = new Logger(NotificationConsumer.name);

  constructor(@Inject(NotificationService) private readonly service: NotificationService) {}

  @EventPattern<string>('notification.requested')
  async handle(@Payload() event: HubEvent<NotificationRequested>, @Ctx() ctx: HubMessageContext): Promise<void> {
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    const reports = await this.service.notify(event.data, {
      eventId: event.id,
      time: event.time,
      traceId,
      attempt: ctx.getAttempt(),
      newerWaiting: () => ctx.getQueuedBehind().some((queued) => isNewerUpdateOf(queued, event.data)),
    });
    this.logger.log({
      msg: 'notification handled',
      eventId: event.id,
      incidentKey: event.data.incidentKey,
      state: event.data.state,
      sequence: event.data.sequence,
      attempt: ctx.getAttempt(),
      channels: Object.fromEntries(reports.map((r) => [r.channel, r.outcome])),
    });
    settle(reports);
  }
}

/**
 * Hold when a channel failed because the database is away (no attempt spent, the consumer pauses:
 * an outage longer than the retry tiers must park nothing); retry when any channel can succeed
 * later (channels that succeeded skip on the redelivery, being idempotent on the event id); park
 * when every failure is final; ack otherwise.
 */
export function settle(reports: readonly ChannelReport[]): void {
  const failures = reports.flatMap((r) => (r.outcome === 'failed' ? [r.error] : []));
  if (failures.length === 0) return;
  const reason = failures.map((f) => f.message).join('; ');
  const outage = failures.map((f) => unavailableDependency(f.cause)).find((dependency) => dependency !== undefined);
  if (outage !== undefined) throw new DependencyUnavailableError(outage, reason);
  const retryable = failures.filter((f) => f.retryable);
  if (retryable.length > 0) {
    const waits = retryable.map((f) =>
      f instanceof ChannelRateLimitedError || f instanceof ChannelHeldError ? f.retryAfterMs : 0,
    );
    const delayMs = Math.max(...waits);
    throw new RetryLaterError(reason, delayMs > 0 ? delayMs : undefined);
  }
  throw new DeadLetterError(reason);
}
