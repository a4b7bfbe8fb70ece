import { configFilesError } from '@hub/config';
import { hubError } from '@hub/contracts';

export enum ProvisioningErrorCode {
  InvalidConfig = 'PROVISIONING_INVALID_CONFIG',
  Conflict = 'PROVISIONING_CONFLICT',
  LockTimeout = 'PROVISIONING_LOCK_TIMEOUT',
}

/** `provisioning.yaml` (or the pipeline template it names) does not load: every problem, with file, line and path. */
export class InvalidProvisioningConfigError extends configFilesError(
  ProvisioningErrorCode.InvalidConfig,
  'provisioning configuration',
) {}

/** The object a step would create exists and is not the one the plan wants (someone else's): permanent. */
export class ResourceConflictError extends hubError(ProvisioningErrorCode.Conflict, { retryable: false }) {}

/** Another replica runs this request's plan (its lock stayed taken): the delivery is retried later. */
export class RequestLockTimeoutError extends hubError(ProvisioningErrorCode.LockTimeout, { retryable: true }) {}
