import { setTimeout as sleep } from 'node:timers/promises';
import { type ActionRequested, isHubError } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type ArgoWorkflow, type ArgoWorkflowsClient, type WorkflowSubmit } from './argo-workflows.client.js';
import { ArgoWorkflowFailedError, ArgoWorkflowTimeoutError } from './argo-workflows.errors.js';
import { ARGO_WORKFLOWS_SUBMIT_KIND, planWorkflowSubmit, workflowSubmitOf } from './argo-workflows-submit.plan.js';

/** How one attempt follows a workflow. */
export interface ArgoWorkflowsTiming {
  /** ARGO_WORKFLOWS_TIMEOUT_MS: how long the action follows the workflow. */
  timeoutMs: number;
  /** ARGO_WORKFLOWS_POLL_INTERVAL_MS. */
  pollIntervalMs: number;
}

const TERMINAL = new Set(['Succeeded', 'Failed', 'Error']);

/**
 * `argo-workflows.submit` (S7, daily backups): submits a workflow from a WorkflowTemplate with the
 * request's parameters and follows `status.phase` to the end. Failed or Error → the action fails
 * (the sensor escalates). The workflow carries the action id as a label: a run resumed after a
 * crash follows the workflow it already submitted instead of starting a second backup.
 */
export class ArgoWorkflowsSubmitAction implements Action {
  readonly kind = ARGO_WORKFLOWS_SUBMIT_KIND;

  constructor(
    private readonly client: ArgoWorkflowsClient,
    private readonly timing: ArgoWorkflowsTiming,
  ) {}

  plan(request: ActionRequested): PlannedCall {
    return planWorkflowSubmit(request);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const submit = workflowSubmitOf(request);
    const deadline = Date.now() + this.timing.timeoutMs;
    const existing = await this.client.listWorkflows(submit.namespace, submit.labels, context.signal);
    const started = existing[0] ?? (await this.client.submit(submit, context.signal));
    const name = started.metadata?.name ?? '';
    const workflow = await this.follow(submit, name, deadline, context.signal);
    const status = workflow.status ?? {};
    const details = {
      workflow: `${submit.namespace}/${name}`,
      workflowTemplate: submit.template,
      parameters: submit.parameters,
      phase: status.phase,
      message: status.message,
      startedAt: status.startedAt,
      finishedAt: status.finishedAt,
      progress: status.progress,
      resumed: existing.length > 0,
      server: this.client.server,
    };
    if (status.phase !== 'Succeeded') {
      throw new ArgoWorkflowFailedError(
        `workflow ${submit.namespace}/${name} (from ${submit.template}) ended ${status.phase}: ${status.message ?? ''}`,
        details,
      );
    }
    return { details };
  }

  private async follow(
    submit: WorkflowSubmit,
    name: string,
    deadline: number,
    signal: AbortSignal,
  ): Promise<ArgoWorkflow> {
    let phase: string | undefined;
    for (;;) {
      try {
        const workflow = await this.client.getWorkflow(submit.namespace, name, signal);
        phase = workflow.status?.phase;
        if (phase && TERMINAL.has(phase)) return workflow;
      } catch (error) {
        // A blip while polling does not fail the backup; the deadline bounds it.
        if (signal.aborted || !isHubError(error) || !error.retryable) throw error;
      }
      if (Date.now() + this.timing.pollIntervalMs > deadline) {
        throw new ArgoWorkflowTimeoutError(
          `workflow ${submit.namespace}/${name} did not finish within ${this.timing.timeoutMs} ms (last phase ${phase ?? 'unknown'})`,
          { workflow: `${submit.namespace}/${name}`, phase, timeoutMs: this.timing.timeoutMs },
        );
      }
      await sleep(this.timing.pollIntervalMs, undefined, { signal });
    }
  }
}
