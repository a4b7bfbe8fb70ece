import { hubError, vendorRequestError, vendorUnreachableError } from '@hub/contracts';

/** Codes of the Argo Workflows failures, wrapped at the client boundary. */
export enum ArgoWorkflowsErrorCode {
  Unreachable = 'ARGO_WORKFLOWS_UNREACHABLE',
  RequestFailed = 'ARGO_WORKFLOWS_REQUEST_FAILED',
  NotFound = 'ARGO_WORKFLOWS_NOT_FOUND',
  WorkflowFailed = 'ARGO_WORKFLOWS_WORKFLOW_FAILED',
  WorkflowTimeout = 'ARGO_WORKFLOWS_WORKFLOW_TIMEOUT',
}

/** The Argo server did not answer: network error or request timeout. */
export class ArgoWorkflowsUnreachableError extends vendorUnreachableError(ArgoWorkflowsErrorCode.Unreachable) {}

/** The Argo server answered with an error; 5xx, 408 and 429 are worth another attempt. */
export class ArgoWorkflowsRequestError extends vendorRequestError(ArgoWorkflowsErrorCode.RequestFailed) {}

/** The WorkflowTemplate (or workflow) does not exist: permanent. */
export class ArgoWorkflowsNotFoundError extends hubError(ArgoWorkflowsErrorCode.NotFound, { retryable: false }) {}

/**
 * The workflow ended Failed or Error. Permanent for this action: another attempt would run the
 * backup again on top of a failed one; the sensor escalates instead.
 */
export class ArgoWorkflowFailedError extends hubError(ArgoWorkflowsErrorCode.WorkflowFailed, { retryable: false }) {}

/** The workflow did not finish within ARGO_WORKFLOWS_TIMEOUT_MS (it may still run: people look). */
export class ArgoWorkflowTimeoutError extends hubError(ArgoWorkflowsErrorCode.WorkflowTimeout, { retryable: false }) {}
