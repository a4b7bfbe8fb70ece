/** The parts of Argo CD's `v1alpha1.Application` the sync action reads. */
export interface ArgoCdApplication {
  metadata?: { name?: string; namespace?: string };
  /** Set while an operation is requested or running; cleared when it finishes. */
  operation?: Record<string, unknown>;
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string };
    operationState?: ArgoCdOperationState;
  };
}

/** `status.operationState`: the last (or running) operation and how it went. */
export interface ArgoCdOperationState {
  phase?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  syncResult?: { revision?: string };
}

/** `ApplicationSyncRequest` (POST /api/v1/applications/{name}/sync). */
export interface ArgoCdSyncRequest {
  name: string;
  appNamespace?: string;
  revision?: string;
  prune: boolean;
  dryRun: boolean;
}

/** Phases after which an operation is over. */
export const TERMINAL_PHASES: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Error']);
