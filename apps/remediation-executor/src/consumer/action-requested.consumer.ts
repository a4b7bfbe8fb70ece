import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type ActionRequested, type HubEvent } from '@hub/contracts';
import { HubMessageContext, RetryLaterError } from '@hub/messaging';
import { ActionRunner } from '../runner/action.runner.js';
import { ActionInterruptedError, ActionLockTimeoutError } from '../runner/runner.errors.js';

const PREFIX = 'action.requested.';

/**
 * Takes `action.requested.<kind>` (the transport has validated `data` against the catalog), hands
 * it to the runner, and maps what cannot finish now to a later retry: a shutdown mid-run, or a
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
    const kindOfKey = ctx.getRoutingKey().slice(PREFIX.length);
    if (kindOfKey !== request.kind) {
      this.logger.warn({ msg: 'routing key and data disagree on the kind; running data.kind', kindOfKey, ...request });
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
