import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type HubEvent, type ProvisioningRequested } from '@hub/contracts';
import { HubMessageContext, RetryLaterError } from '@hub/messaging';
import { ActionInterruptedError, ActionLockTimeoutError } from '../runner/runner.errors.js';
import { ProvisioningPlanRunner } from './plan/plan.runner.js';

/**
 * Takes `provisioning.requested` (the transport has validated `data` against the catalog), hands
 * it to the plan runner, and maps what cannot finish now to a later retry: a shutdown mid-plan,
 * or the request's lock held by another replica for longer than the lock wait. A plan that is
 * cut by a crash is never acknowledged, so the broker redelivers it and the plan resumes.
 */
@Controller()
export class ProvisioningConsumer {
  private readonly logger = new Logger(ProvisioningConsumer.name);

  constructor(@Inject(ProvisioningPlanRunner) private readonly runner: ProvisioningPlanRunner) {}

  @EventPattern<string>('provisioning.requested')
  async handle(@Payload() event: HubEvent<ProvisioningRequested>, @Ctx() ctx: HubMessageContext): Promise<void> {
    try {
      const outcome = await this.runner.handle(event);
      this.logger.log({
        msg: outcome === 'duplicate' ? 'provisioning request repeats an open one' : `provisioning request ${outcome}`,
        requestId: event.id,
        appName: event.data.appName,
        ownerTeam: event.data.ownerTeam,
        delivery: ctx.getAttempt(),
      });
    } catch (error) {
      if (error instanceof ActionInterruptedError || error instanceof ActionLockTimeoutError) {
        throw new RetryLaterError(error.message, undefined, { requestId: event.id, ...error.context });
      }
      throw error;
    }
  }
}
