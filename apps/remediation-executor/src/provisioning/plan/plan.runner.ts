import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { type HubEvent, type ProvisioningRequested, type ProvisioningStatus } from '@hub/contracts';
import { type ProvisioningRequestRow, type ProvisioningStepRow } from '@hub/database';
import { type ExecutorDatabase } from '../../database/executor.database.js';
import { withLockSession } from '../../runner/advisory-lock.js';
import { runAttempts } from '../../runner/attempts.js';
import { type ExecutionPolicy } from '../../runner/execution.policy.js';
import { ActionInterruptedError } from '../../runner/runner.errors.js';
import { type ProvisioningSettings } from '../provisioning.config.js';
import { policyRefusals } from '../provisioning.policy.js';
import { type ProvisioningRepository } from '../provisioning.repository.js';
import { type PlanRequest, planRequestOf } from '../provisioning.request.js';
import { type ProvisioningUpdates } from '../provisioning.updates.js';
import { type ProvisioningStep, type StepContext, type StepOutcome } from './step.js';

const TERMINAL: ReadonlySet<string> = new Set(['rejected', 'succeeded', 'failed', 'rolled-back']);
const FALLBACK_QUOTA = { cpu: '2', memory: '4Gi', pods: 20 };

/** How one delivery of a `provisioning.requested` ended. */
export type PlanOutcome = ProvisioningStatus | 'duplicate';

/** What the runner needs; built once by the executor's app factory. */
export interface PlanRunnerDeps {
  readonly database: ExecutorDatabase;
  readonly repository: ProvisioningRepository;
  readonly updates: ProvisioningUpdates;
  readonly steps: readonly ProvisioningStep[];
  readonly settings: ProvisioningSettings | undefined;
  readonly policy: ExecutionPolicy;
}

/**
 * Runs a provisioning request as a durable plan. Under the request's advisory lock (one replica
 * at a time), it decides the policy once (`rejected` with every reason, nothing created), then
 * runs each step not yet done — create-or-verify, retried with backoff on retryable errors, every
 * attempt counted in PostgreSQL before it is made. A step that fails for good switches the request
 * to compensation (recorded, so a crash resumes compensating): the done steps are undone in
 * reverse and the request ends `rolled-back` with the reason, or `failed` when an undo fails too.
 * A crash at any point leaves the delivery unacknowledged: the redelivery resumes the plan from
 * the rows; done steps are not run again.
 */
export class ProvisioningPlanRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ProvisioningPlanRunner.name);
  private readonly stopping = new AbortController();

  constructor(private readonly deps: PlanRunnerDeps) {}

  get stepNames(): string[] {
    return this.deps.steps.map((step) => step.name);
  }

  async handle(event: HubEvent<ProvisioningRequested>): Promise<PlanOutcome> {
    const { repository, policy } = this.deps;
    const signal = this.stopping.signal;
    if (signal.aborted) throw new ActionInterruptedError('the executor is shutting down');
    const first = await repository.ensure(event);
    if (!first) return 'duplicate';
    if (TERMINAL.has(first.status)) return first.status as ProvisioningStatus;
    return withLockSession(this.deps.database.locks, async (session) => {
      await session.acquire('request', event.id, { waitMs: policy.lockWaitMs, signal });
      const row = await repository.find(event.id);
      if (!row || TERMINAL.has(row.status)) return (row?.status ?? 'duplicate') as PlanOutcome;
      return this.run(row);
    });
  }

  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }

  private async run(row: ProvisioningRequestRow): Promise<PlanOutcome> {
    const { repository, updates, settings } = this.deps;
    const request = planRequestOf(row, settings?.file.defaults.quota ?? FALLBACK_QUOTA);
    if (row.status === 'accepted') {
      const reasons = policyRefusals(request, settings);
      if (reasons.length > 0) {
        await repository.finish(row.id, 'rejected', reasons);
        await updates.publish(row, { status: 'rejected', reasons });
        this.logger.warn({ msg: 'provisioning request rejected', requestId: row.id, reasons });
        return 'rejected';
      }
      await repository.start(row.id, this.stepNames);
      await updates.publish(row, { status: 'running' });
    } else {
      this.logger.warn({ msg: 'resuming a provisioning plan', requestId: row.id, phase: row.phase });
    }
    if (row.phase !== 'compensate') {
      const failure = await this.forward(row, request);
      if (failure === undefined) {
        await repository.finish(row.id, 'succeeded', []);
        await updates.publish(row, { status: 'succeeded' });
        return 'succeeded';
      }
      await repository.beginCompensation(row.id, failure);
      return this.compensate(row, request, failure);
    }
    return this.compensate(row, request, row.reasons[0] ?? 'a step failed');
  }

  /** Runs every step not done yet; answers the reason of the first that failed for good. */
  private async forward(row: ProvisioningRequestRow, request: PlanRequest): Promise<string | undefined> {
    const { repository, updates } = this.deps;
    const recorded = new Map((await repository.steps(row.id)).map((s) => [s.name, s]));
    for (const step of this.deps.steps) {
      const state = recorded.get(step.name);
      if (state?.status === 'succeeded') continue;
      if (state?.status === 'failed') return `${step.name}: ${state.error ?? 'failed'}`;
      const result = await this.attempts(row.id, step, state, false, (context) => step.apply(request, context));
      if (result.ok) {
        const done = await repository.finishStep(row.id, step.name, 'succeeded', {
          ...result.outcome.details,
          ...(result.outcome.dryRun ? { dryRun: true } : {}),
        });
        await updates.publish(row, { status: 'running', step: done });
        continue;
      }
      const failed = await repository.finishStep(row.id, step.name, 'failed', {}, result.reason);
      await repository.skipPending(row.id);
      await updates.publish(row, { status: 'running', step: failed });
      this.logger.warn({
        msg: 'provisioning step failed; compensating',
        requestId: row.id,
        step: step.name,
        reason: result.reason,
      });
      return `${step.name}: ${result.reason}`;
    }
    return undefined;
  }

  /** Undoes the done steps, newest first; `rolled-back`, or `failed` when an undo fails for good. */
  private async compensate(row: ProvisioningRequestRow, request: PlanRequest, reason: string): Promise<PlanOutcome> {
    const { repository, updates } = this.deps;
    await repository.skipPending(row.id);
    const recorded = new Map((await repository.steps(row.id)).map((s) => [s.name, s]));
    for (const step of [...this.deps.steps].reverse()) {
      const state = recorded.get(step.name);
      if (state?.status !== 'succeeded') continue;
      const result = await this.attempts(row.id, step, state, true, (context) => step.compensate(request, context));
      if (!result.ok) {
        const reasons = [reason, `compensation of ${step.name} failed: ${result.reason} (remove it by hand)`];
        await repository.finish(row.id, 'failed', reasons);
        await updates.publish(row, { status: 'failed', reasons });
        return 'failed';
      }
      const undone = await repository.finishStep(row.id, step.name, 'compensated', result.outcome.details);
      await updates.publish(row, { status: 'running', step: undone });
    }
    await repository.finish(row.id, 'rolled-back', [reason]);
    await updates.publish(row, { status: 'rolled-back', reasons: [reason] });
    return 'rolled-back';
  }

  private attempts(
    id: string,
    step: ProvisioningStep,
    state: ProvisioningStepRow | undefined,
    compensation: boolean,
    work: (context: StepContext) => Promise<StepOutcome>,
  ) {
    const signal = this.stopping.signal;
    return runAttempts((attempt) => work({ signal, attempt }), {
      policy: this.deps.policy.retry,
      done: (compensation ? state?.compensation_attempts : state?.attempts) ?? 0,
      signal,
      beforeAttempt: () => this.deps.repository.attempt(id, step.name, compensation),
      onRetry: (attempt, delayMs, why) =>
        this.logger.warn({
          msg: 'provisioning step attempt failed; retrying',
          requestId: id,
          step: step.name,
          compensation,
          attempt,
          delayMs,
          reason: why,
        }),
    });
  }
}
