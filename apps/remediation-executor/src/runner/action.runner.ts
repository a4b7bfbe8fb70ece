import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { type ActionRequested, type HubEvent, isHubError } from '@hub/contracts';
import { type ActionRun } from '@hub/database';
import { HubPublisher } from '@hub/messaging';
import { type Action, type PlannedCall } from '../actions/action.js';
import { UnknownActionKindError } from '../actions/action.errors.js';
import { ActionRegistry } from '../actions/action.registry.js';
import { ExecutorDatabase } from '../database/executor.database.js';
import { resultEventOf } from './action-result.js';
import { ActionMetrics } from './action.metrics.js';
import { ActionRunsRepository, type FinishedRun } from './action-runs.repository.js';
import { withLockSession } from './advisory-lock.js';
import { runAttempts } from './attempts.js';
import { EXECUTION_POLICY, type ExecutionPolicy } from './execution.policy.js';
import { classifyFailure } from './retry.policy.js';
import { ActionInterruptedError } from './runner.errors.js';

/** What the runner did with one delivery. */
export interface HandledAction {
  readonly run: ActionRun;
  /** True when the action id had finished before: its recorded result was published again. */
  readonly replayed: boolean;
}

/**
 * The execution policy of every action: one run per action id (`action_runs`), one action at a
 * time per `kind:target` across replicas (advisory locks), dry runs, retries with backoff for
 * retryable failures, the outcome recorded and published as `action.succeeded` / `action.failed`.
 *
 * A redelivery of a finished action id re-publishes its recorded result (same event id). A
 * redelivery that finds the row still `running` while nobody holds the action id's lock means the
 * replica that ran it died: the run resumes, counting on from the recorded attempts. Both actions
 * are convergent (a sync or a refresh again is harmless; a sync that still runs is followed), so
 * resuming is safe, and it gets the incident a real outcome instead of a guess.
 */
@Injectable()
export class ActionRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ActionRunner.name);
  private readonly stopping = new AbortController();
  private readonly metrics: ActionMetrics;

  constructor(
    @Inject(ActionRegistry) private readonly actions: ActionRegistry,
    @Inject(ActionRunsRepository) private readonly runs: ActionRunsRepository,
    @Inject(ExecutorDatabase) private readonly database: ExecutorDatabase,
    @Inject(HubPublisher) private readonly publisher: HubPublisher,
    @Inject(EXECUTION_POLICY) private readonly policy: ExecutionPolicy,
  ) {
    this.metrics = new ActionMetrics(actions.kinds);
  }

  /** Runs the action once per action id (or finds its result), then publishes the result. */
  async handle(event: HubEvent<ActionRequested>): Promise<HandledAction> {
    const request = event.data;
    const signal = this.stopping.signal;
    if (signal.aborted) throw new ActionInterruptedError('the executor is shutting down');
    const handled = await withLockSession(this.database.locks, async (session) => {
      const wait = { waitMs: this.policy.lockWaitMs, signal };
      await session.acquire('action', request.actionId, wait);
      const recorded = await this.runs.find(request.actionId);
      if (recorded && recorded.status !== 'running') return { run: recorded, replayed: true };
      await session.acquire('target', `${request.kind}:${request.target}`, wait);
      return { run: await this.execute(request, event.incidentkey, recorded), replayed: false };
    });
    if (handled.replayed) this.metrics.finished(request.kind, 'replayed');
    // After a broker restart the consumer may be back before the publisher: give it a moment
    // rather than burning a retry tier (the result is recorded; a retry would only replay it).
    await this.publisher.waitUntilReady(5_000).catch(() => undefined);
    await this.publisher.publish(resultEventOf(handled.run, event));
    await this.runs.markPublished(handled.run.action_id);
    return handled;
  }

  /** Stops running actions between steps (their runs resume on redelivery), so shutdown is quick. */
  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }

  private async execute(request: ActionRequested, incidentKey?: string, interrupted?: ActionRun): Promise<ActionRun> {
    const dryRun = request.dryRun || this.policy.dryRun;
    if (interrupted) {
      this.logger.warn({
        msg: 'resuming an action whose previous run was interrupted',
        actionId: request.actionId,
        attempts: interrupted.attempts,
      });
    } else {
      await this.runs.start(request, incidentKey, dryRun);
    }
    const finished = await this.outcome(request, dryRun, interrupted?.attempts ?? 0);
    const run = await this.runs.finish(request.actionId, {
      ...finished,
      details: interrupted ? { ...finished.details, resumed: true } : finished.details,
    });
    const label = run.status === 'failed' ? 'failed' : run.dry_run ? 'dry-run' : 'succeeded';
    this.metrics.finished(request.kind, label, run.duration_ms ?? undefined);
    return run;
  }

  private async outcome(request: ActionRequested, dryRun: boolean, done: number): Promise<FinishedRun> {
    const action = this.actions.get(request.kind);
    if (!action) return failed(new UnknownActionKindError(request.kind, this.actions.kinds), 0, dryRun);
    let plan: PlannedCall;
    try {
      plan = action.plan(request);
    } catch (error) {
      return failed(error, 0, dryRun);
    }
    if (dryRun && !action.readsInDryRun) {
      return { status: 'succeeded', attempts: 0, dryRun: true, details: { dryRun: true, plan } };
    }
    const result = await runAttempts((attempt) => this.attempt(action, request, attempt, dryRun), {
      policy: this.policy.retry,
      done,
      signal: this.stopping.signal,
      beforeAttempt: (attempt) => this.runs.recordAttempt(request.actionId, attempt),
      onRetry: (attempt, delayMs, reason) =>
        this.logger.warn({
          msg: 'action attempt failed; retrying',
          actionId: request.actionId,
          attempt,
          delayMs,
          reason,
        }),
    });
    if (!result.ok) return failed(result.error, result.attempts, dryRun, result.reason);
    return {
      status: 'succeeded',
      attempts: result.attempts,
      dryRun: dryRun || (result.outcome.dryRun ?? false),
      details: result.outcome.details,
    };
  }

  private async attempt(action: Action, request: ActionRequested, attempt: number, dryRun: boolean) {
    try {
      const outcome = await action.run(request, { signal: this.stopping.signal, attempt, dryRun });
      this.metrics.attempted(action.kind, 'ok');
      return outcome;
    } catch (error) {
      this.metrics.attempted(action.kind, classifyFailure(error).retryable ? 'retryable' : 'permanent');
      throw error;
    }
  }
}

function failed(error: unknown, attempts: number, dryRun: boolean, reason?: string): FinishedRun {
  const described = isHubError(error)
    ? { code: error.code, ...error.context }
    : error instanceof Error
      ? { name: error.name, message: error.message }
      : undefined;
  return {
    status: 'failed',
    attempts,
    dryRun,
    reason: reason ?? (error instanceof Error ? error.message : String(error)),
    details: described ? { error: described } : {},
  };
}
