import { type ProvisioningStepName } from '@hub/contracts';
import { type CallRecorder } from '@hub/recorder';
import { type PlanRequest } from '../provisioning.request.js';
import { type ProvisioningStep, type StepOutcome } from './step.js';

/**
 * The embedded default of a step whose system is not configured: what it would create (or delete,
 * on compensation) goes to `$HUB_DATA_DIR/outbox/<integration>.jsonl`, and the step counts as done
 * (a dry run), so a newcomer watches the whole plan with no cluster and no GitHub account.
 */
export class OutboxStep implements ProvisioningStep {
  constructor(
    readonly name: ProvisioningStepName,
    private readonly writer: CallRecorder,
    /** What `apply` would send: the manifest, or the pull request's parts. */
    private readonly planOf: (request: PlanRequest) => Record<string, unknown>,
    private readonly hint: string,
  ) {}

  async apply(request: PlanRequest): Promise<StepOutcome> {
    return this.write('create', request);
  }

  async compensate(request: PlanRequest): Promise<StepOutcome> {
    return this.write('delete', request);
  }

  private async write(operation: string, request: PlanRequest): Promise<StepOutcome> {
    await this.writer.write(`${this.name}.${operation}`, { requestId: request.id, ...this.planOf(request) });
    return {
      dryRun: true,
      details: {
        outbox: this.writer.path,
        note: `${this.writer.integration} is not configured (${this.hint}): the call went to the outbox`,
      },
    };
  }
}
