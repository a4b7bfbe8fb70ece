import { hubError } from '@hub/contracts';
import { GatewayErrorCode } from '../errors/gateway.errors.js';

/** No silence or approval has this id: 404. */
export class PeopleNotFoundError extends hubError(GatewayErrorCode.NotFound, { retryable: false }) {}

/** The decider may not take this decision (not a member, already decided, resolved): 403 with the reason. */
export class DecisionRefusedError extends hubError(GatewayErrorCode.Forbidden, { retryable: false }) {}
