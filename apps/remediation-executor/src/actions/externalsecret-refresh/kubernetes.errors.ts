import { hubError, vendorRequestError, vendorUnreachableError } from '@hub/contracts';

/** Codes of the Kubernetes API failures, wrapped at the client boundary. */
export enum KubernetesErrorCode {
  Unreachable = 'KUBERNETES_UNREACHABLE',
  RequestFailed = 'KUBERNETES_REQUEST_FAILED',
  NotFound = 'KUBERNETES_NOT_FOUND',
  Conflict = 'KUBERNETES_CONFLICT',
}

/** The API server did not answer: network error or request timeout. */
export class KubernetesUnreachableError extends vendorUnreachableError(KubernetesErrorCode.Unreachable) {}

/** The API server answered with an error `Status`; 5xx, 408 and 429 are worth another attempt. */
export class KubernetesRequestError extends vendorRequestError(KubernetesErrorCode.RequestFailed) {}

/** The object (or its resource type) does not exist: permanent. */
export class KubernetesNotFoundError extends hubError(KubernetesErrorCode.NotFound, { retryable: false }) {}

/** The object changed between read and write (409 on a `resourceVersion` precondition): read again and retry. */
export class KubernetesConflictError extends hubError(KubernetesErrorCode.Conflict, { retryable: true }) {}
