/** The parts of Argo CD's `v1alpha1.Application` the sync action reads. */
export interface ArgoCdApplication {
  metadata?: { name?: string; namespace?: string };
  /** Set while an operation is requested or running; cleared when it finishes. */
  operation?: Record<string, unknown>;
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string };
    operationState?: ArgoCdOperationState;
    /** Deployments Argo CD keeps (`status.history`), oldest first: what a rollback can go back to. */
    history?: ArgoCdRevisionHistory[];
  };
}

/** One entry of `status.history`. */
export interface ArgoCdRevisionHistory {
  id: number;
  revision?: string;
  deployedAt?: string;
}

/** `ApplicationRollbackRequest` (POST /api/v1/applications/{name}/rollback). */
export interface ArgoCdRollbackRequest {
  name: string;
  appNamespace?: string;
  id: number;
  prune: boolean;
  dryRun: boolean;
}

/** `status.operationState`: the last (or running) operation and how it went. */
export interface ArgoCdOperationState {
  /** The operation this state is about, with the `info` its sync request carried. */
  operation?: { info?: ArgoCdInfo[] };
  phase?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  syncResult?: { revision?: string };
}

/** `v1alpha1.Info`: a name and value a sync request carries into its operation (`argocd app sync --info`). */
export interface ArgoCdInfo {
  name: string;
  value: string;
}

/** The `info` name under which a sync carries the hub's action id (how a resumed run finds its own sync). */
export const ACTION_ID_INFO = 'hub.actionId';

/** `ApplicationSyncRequest` (POST /api/v1/applications/{name}/sync). */
export interface ArgoCdSyncRequest {
  name: string;
  appNamespace?: string;
  revision?: string;
  prune: boolean;
  dryRun: boolean;
  /** Kept in the operation (`operation.info`, `status.operationState.operation.info`). */
  infos?: ArgoCdInfo[];
}

/** Phases after which an operation is over. */
export const TERMINAL_PHASES: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Error']);
