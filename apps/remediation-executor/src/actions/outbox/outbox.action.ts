import { type ActionRequested } from '@hub/contracts';
import { type CallRecorder } from '@hub/recorder';
import { type Action, type ActionOutcome, type PlannedCall } from '../action.js';

/**
 * The embedded default of an action whose target system is not configured (DESIGN.md): the call
 * it would make goes to `$HUB_DATA_DIR/outbox/<integration>.jsonl`, and the action reports success
 * as a dry run, so the hub runs end to end with no accounts and shows what it would have done.
 */
export class OutboxAction implements Action {
  constructor(
    readonly kind: string,
    private readonly planner: (request: ActionRequested) => PlannedCall,
    private readonly writer: CallRecorder,
    /** Says which variables would configure the real system. */
    private readonly hint: string,
  ) {}

  plan(request: ActionRequested): PlannedCall {
    return this.planner(request);
  }

  async run(request: ActionRequested): Promise<ActionOutcome> {
    const call = this.planner(request);
    await this.writer.write(call.operation, { actionId: request.actionId, target: request.target, ...call.request });
    return {
      dryRun: true,
      details: {
        outbox: this.writer.path,
        note: `${this.writer.integration} is not configured (${this.hint}): the call went to the outbox`,
        call,
      },
    };
  }
}
