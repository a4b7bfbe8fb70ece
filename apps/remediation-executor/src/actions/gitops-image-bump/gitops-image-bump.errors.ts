import { hubError } from '@hub/contracts';

export enum GitOpsErrorCode {
  FileUnusable = 'GITOPS_FILE_UNUSABLE',
}

/** The GitOps file is missing, is no YAML, or has no scalar at the YAML path: permanent until someone fixes it. */
export class GitOpsFileError extends hubError(GitOpsErrorCode.FileUnusable, { retryable: false }) {}
