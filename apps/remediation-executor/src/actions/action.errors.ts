import { hubError } from '@hub/contracts';

/** Codes of requests that can never run. */
export enum ActionErrorCode {
  UnknownKind = 'ACTION_UNKNOWN_KIND',
  InvalidParams = 'ACTION_INVALID_PARAMS',
}

/** No action of this kind exists here: retrying cannot help. */
export class UnknownActionKindError extends hubError(ActionErrorCode.UnknownKind, { retryable: false }) {
  constructor(
    readonly kind: string,
    knownKinds: readonly string[],
  ) {
    super('unknown action kind', { kind, knownKinds });
  }
}

/** The request's target or params do not fit the action kind. */
export class InvalidActionParamsError extends hubError(ActionErrorCode.InvalidParams, { retryable: false }) {}
