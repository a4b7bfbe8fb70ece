import { type ActionRequested } from '@hub/contracts';

/** What an action may know while it runs. */
export interface ActionContext {
  /** Aborted when the service shuts down: stop, the run resumes on the redelivery. */
  readonly signal: AbortSignal;
  /** 1-based attempt of this action id (continues across a resumed run). */
  readonly attempt: number;
  /**
   * A dry run of an action that `readsInDryRun`: read the target system as usual, change nothing,
   * and report what would have changed.
   */
  readonly dryRun?: boolean;
}

/** What a successful run reports (copied to `action_runs.details` and `action.succeeded`). */
export interface ActionOutcome {
  readonly details: Record<string, unknown>;
  /** True when nothing was sent to the target system (the outbox took the call). */
  readonly dryRun?: boolean;
}

/** The call an action would make, without making it: shown by dry runs, written to the outbox. */
export interface PlannedCall {
  /** The integration (outbox name): `argocd`, `kubernetes`. */
  readonly integration: string;
  readonly operation: string;
  readonly request: Record<string, unknown>;
}

/**
 * One kind of remediation (`argocd.sync`, `externalsecret.refresh`), like argo-events' triggers:
 * the runner owns retries, locks, idempotency and recording; an action only knows its target system.
 * Errors are `HubError`s whose `retryable` tells the runner whether another attempt can help.
 */
export interface Action {
  readonly kind: string;
  /**
   * Validates the request's target and params and says what `run` would call. Never calls
   * anything; throws `InvalidActionParamsError` for a request that can never succeed.
   */
  plan(request: ActionRequested): PlannedCall;
  /**
   * Whether a dry run runs the action with `context.dryRun` (reads, reports what it would change)
   * instead of only showing its plan: for actions whose plan depends on what the cluster holds
   * (which namespaces are old enough to delete, which certificates expire soon).
   */
  readonly readsInDryRun?: boolean;
  /** One attempt against the target system. */
  run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome>;
}
