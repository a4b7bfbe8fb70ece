import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { type ActionRequested, type HubEvent, isHubError } from '@hub/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ActionRun, type Database } from '@hub/database';
import { HubPublisher } from '@hub/messaging';
import { type Action, type PlannedCall } from '../actions/action.js';
import { UnknownActionKindError } from '../actions/action.errors.js';
import { ActionRegistry } from '../actions/action.registry.js';
import { ExecutorDatabase } from '../database/executor.database.js';
import { resultEventOf } from './action-result.js';
import { ActionMetrics } from './action.metrics.js';
import { ActionRunsRepository, type FinishedRun, type RunClaim, targetLockKey } from './action-runs.repository.js';
import { runAttempts } from './attempts.js';
import { EXECUTION_POLICY, type ExecutionPolicy } from './execution.policy.js';
import { classifyFailure } from './retry.policy.js';
import { PublishedMarks } from './published-marks.js';
import { ActionInterruptedError, ActionLockTimeoutError } from './runner.errors.js';

/** The first wait for a busy target, doubled up to MAX_POLL_MS. */
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 500;

/** A run decided before its claim: the action to attempt, or an outcome without attempts. */
type Prepared =
  | { readonly firstAttempts: 1; readonly action: Action; readonly outcome?: undefined }
  | { readonly firstAttempts: 0; readonly action?: undefined; readonly outcome: FinishedRun };

/** What the runner did with one delivery. */
export interface HandledAction {
  readonly run: ActionRun;
  /** True when the action id had finished before: its recorded result was published again. */
  readonly replayed: boolean;
}

/**
 * The execution policy of every action: one run per action id (`action_runs`), one action at a
 * time per `kind:target` across replicas (a session advisory lock held for the whole run), dry
 * runs, retries with backoff for retryable failures, the outcome recorded and published as
 * `action.succeeded` / `action.failed`. A run costs two statements (claim; finish and unlock) and
 * a share of a batched "published" mark; a retry one more each.
 *
 * A redelivery of a finished action id re-publishes its recorded result (same event id). Every
 * live run holds its target's lock, so a redelivery that gets the lock and finds the row still
 * `running` knows the replica that ran it died (PostgreSQL ended its session and its lock): the
 * run resumes, counting on from the recorded attempts. Both actions
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
    @Inject(PublishedMarks) private readonly published: PublishedMarks,
  ) {
    this.metrics = new ActionMetrics(actions.kinds);
  }

  /** Runs the action once per action id (or finds its result), then publishes the result. */
  async handle(event: HubEvent<ActionRequested>): Promise<HandledAction> {
    const request = event.data;
    const signal = this.stopping.signal;
    if (signal.aborted) throw new ActionInterruptedError('the executor is shutting down');
    const dryRun = request.dryRun || this.policy.dryRun;
    const prepared = this.prepare(request, dryRun);
    const handled = await this.database.locks.connection().execute(async (session) => {
      let locked = true;
      try {
        const claim = await this.claim(session, request, event.incidentkey, dryRun, prepared.firstAttempts);
        locked = claim.locked;
        if (!claim.claimed) return { run: claim.run, replayed: true };
        const run = await this.execute(session, request, prepared, claim.run, claim.resumed);
        locked = false;
        return { run, replayed: false };
      } finally {
        if (locked) await this.runs.release(session).catch(() => undefined);
      }
    });
    if (handled.replayed) this.metrics.finished(request.kind, 'replayed');
    // After a broker restart the consumer may be back before the publisher: give it a moment
    // rather than burning a retry tier (the result is recorded; a retry would only replay it).
    await this.publisher.waitUntilReady(5_000).catch(() => undefined);
    await this.publisher.publish(resultEventOf(handled.run, event));
    this.published.add(handled.run.action_id);
    return handled;
  }

  /** Stops running actions between steps (their runs resume on redelivery), so shutdown is quick. */
  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }

  /**
   * Claims the run (see `ActionRunsRepository.claim`), polling while its target is busy — another
   * action on it, or this very action id running on another replica (its redelivery then finds
   * the recorded result once that run ends). Resolves with the claimed or the finished run.
   */
  private async claim(
    session: Database,
    request: ActionRequested,
    incidentKey: string | undefined,
    dryRun: boolean,
    firstAttempts: number,
  ): Promise<RunClaim & { run: ActionRun }> {
    const signal = this.stopping.signal;
    const deadline = Date.now() + this.policy.lockWaitMs;
    let pollMs = FIRST_POLL_MS;
    for (;;) {
      const claim = await this.runs.claim(session, request, incidentKey, dryRun, firstAttempts);
      if (claim.run && (claim.claimed || claim.run.status !== 'running')) return { ...claim, run: claim.run };
      // Locked but not claimed: the run finished in the same instant, or the row is another kind or target's.
      if (claim.locked) await this.runs.release(session);
      if (signal.aborted) throw new ActionInterruptedError('the executor is shutting down');
      if (Date.now() >= deadline) {
        const key = targetLockKey(request);
        throw new ActionLockTimeoutError(`target ${key} stayed locked for ${this.policy.lockWaitMs} ms`, {
          space: 'target',
          key,
        });
      }
      await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), undefined, { signal }).catch(() => undefined);
      pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
    }
  }

  /**
   * What the run will do, decided before it is claimed (plans are pure): attempts to make, or an
   * outcome without any — an unknown kind, invalid params, a dry run that sends nothing.
   */
  private prepare(request: ActionRequested, dryRun: boolean): Prepared {
    const action = this.actions.get(request.kind);
    if (!action) {
      return {
        firstAttempts: 0,
        outcome: failed(new UnknownActionKindError(request.kind, this.actions.kinds), 0, dryRun),
      };
    }
    let plan: PlannedCall;
    try {
      plan = action.plan(request);
    } catch (error) {
      return { firstAttempts: 0, outcome: failed(error, 0, dryRun) };
    }
    if (dryRun && !action.readsInDryRun) {
      return {
        firstAttempts: 0,
        outcome: { status: 'succeeded', attempts: 0, dryRun: true, details: { dryRun: true, plan } },
      };
    }
    // The claim records the first attempt, so a run that dies in it resumes as its second.
    return { firstAttempts: 1, action };
  }

  private async execute(
    session: Database,
    request: ActionRequested,
    prepared: Prepared,
    claimed: ActionRun,
    resumed: boolean,
  ): Promise<ActionRun> {
    const dryRun = request.dryRun || this.policy.dryRun;
    if (resumed) {
      this.logger.warn({
        msg: 'resuming an action whose previous run was interrupted',
        actionId: request.actionId,
        attempts: claimed.attempts - prepared.firstAttempts,
      });
    }
    const finished = prepared.action
      ? await this.attempts(session, prepared.action, request, dryRun, claimed.attempts)
      : prepared.outcome;
    const run = await this.runs.finish(session, request.actionId, {
      ...finished,
      details: resumed ? { ...finished.details, resumed: true } : finished.details,
    });
    const label = run.status === 'failed' ? 'failed' : run.dry_run ? 'dry-run' : 'succeeded';
    this.metrics.finished(request.kind, label, run.duration_ms ?? undefined);
    return run;
  }

  /** Runs the attempts; `recorded` is the attempt count the claim wrote (its first attempt included). */
  private async attempts(
    session: Database,
    action: Action,
    request: ActionRequested,
    dryRun: boolean,
    recorded: number,
  ): Promise<FinishedRun> {
    const result = await runAttempts((attempt) => this.attempt(action, request, attempt, dryRun), {
      policy: this.policy.retry,
      done: recorded - 1,
      signal: this.stopping.signal,
      beforeAttempt: (attempt) =>
        attempt > recorded ? this.runs.recordAttempt(request.actionId, attempt, session) : Promise.resolve(),
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
