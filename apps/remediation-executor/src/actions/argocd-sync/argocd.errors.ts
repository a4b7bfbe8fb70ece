import { hubError, vendorRequestError, vendorUnreachableError } from '@hub/contracts';

/** Codes of the Argo CD failures, wrapped at the client boundary. */
export enum ArgoCdErrorCode {
  Unreachable = 'ARGOCD_UNREACHABLE',
  RequestFailed = 'ARGOCD_REQUEST_FAILED',
  ApplicationNotFound = 'ARGOCD_APPLICATION_NOT_FOUND',
  OperationInProgress = 'ARGOCD_OPERATION_IN_PROGRESS',
  SyncFailed = 'ARGOCD_SYNC_FAILED',
  SyncTimeout = 'ARGOCD_SYNC_TIMEOUT',
  NoRollbackTarget = 'ARGOCD_NO_ROLLBACK_TARGET',
}

/** The Argo CD API did not answer: network error or request timeout. */
export class ArgoCdUnreachableError extends vendorUnreachableError(ArgoCdErrorCode.Unreachable) {}

/** Argo CD answered with an error status; 5xx, 408 and 429 are worth another attempt. */
export class ArgoCdRequestError extends vendorRequestError(ArgoCdErrorCode.RequestFailed) {}

/** No such Application (404, gRPC NotFound): permanent. */
export class ArgoCdApplicationNotFoundError extends hubError(ArgoCdErrorCode.ApplicationNotFound, {
  retryable: false,
}) {}

/**
 * A sync was refused because another operation runs on the app ("another operation is already in
 * progress", gRPC FailedPrecondition). The sync action follows that operation instead of failing.
 */
export class ArgoCdOperationInProgressError extends hubError(ArgoCdErrorCode.OperationInProgress, {
  retryable: true,
}) {}

/** The sync operation ended in phase Failed or Error: retrying the same sync would fail the same way. */
export class ArgoCdSyncFailedError extends hubError(ArgoCdErrorCode.SyncFailed, { retryable: false }) {}

/** The operation was still running when ARGOCD_SYNC_TIMEOUT_MS ran out. */
export class ArgoCdSyncTimeoutError extends hubError(ArgoCdErrorCode.SyncTimeout, { retryable: false }) {}

/** A rollback has nothing to go back to (one deployment in the history, or no such id): permanent. */
export class ArgoCdNoRollbackTargetError extends hubError(ArgoCdErrorCode.NoRollbackTarget, { retryable: false }) {}
