import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type ActionRequested, type HubEvent } from '@hub/contracts';
import { DeadLetterError, HubMessageContext, RetryLaterError } from '@hub/messaging';
import { ActionRunner } from '../runner/action.runner.js';
import { ActionInterruptedError, ActionLockTimeoutError } from '../runner/runner.errors.js';

const PREFIX = 'action.requested.';

/**
 * Takes `action.requested.<kind>` (the transport has validated `data` against the catalog and
 * parked requests not from the sensor), parks one whose type and routing key do not name its
 * `data.kind`, hands the rest to the runner, and maps what cannot finish now to a later retry: a shutdown mid-run, or a
 * target (or action id) busy for longer than the lock wait. Everything else the runner records
 * and publishes as a result itself; a failed publish is retried by the transport, and the
 * redelivery re-publishes the recorded result.
 */
@Controller()
export class ActionRequestedConsumer {
  private readonly logger = new Logger(ActionRequestedConsumer.name);

  constructor(@Inject(ActionRunner) private readonly runner: ActionRunner) {}

  @EventPattern<string>(`${PREFIX}#`)
  async handle(@Payload() event: HubEvent<ActionRequested>, @Ctx() ctx: HubMessageContext): Promise<void> {
    const request = event.data;
    const expected = `${PREFIX}${request.kind}`;
    if (event.type !== expected || ctx.getRoutingKey() !== expected) {
      throw new DeadLetterError(
        `not run: "${event.type}" (routing key "${ctx.getRoutingKey()}") does not match data.kind "${request.kind}"`,
        { actionId: request.actionId, type: event.type, kind: request.kind, hubsource: event.hubsource },
      );
    }
    try {
      const { run, replayed } = await this.runner.handle(event);
      this.logger.log({
        msg: replayed ? 'action result re-published' : `action ${run.status}`,
        actionId: run.action_id,
        kind: run.kind,
        target: run.target,
        attempts: run.attempts,
        dryRun: run.dry_run,
        durationMs: run.duration_ms,
        reason: run.reason ?? undefined,
        incidentkey: event.incidentkey,
        delivery: ctx.getAttempt(),
      });
    } catch (error) {
      if (error instanceof ActionInterruptedError || error instanceof ActionLockTimeoutError) {
        throw new RetryLaterError(error.message, undefined, { actionId: request.actionId, ...error.context });
      }
      throw error;
    }
  }
}
