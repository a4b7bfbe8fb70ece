import { hubError } from '@hub/contracts';
import { GatewayErrorCode } from '../../errors/gateway.errors.js';

/**
 * A signed route's request is not the vendor's: no signature, a wrong one, a stale timestamp, an
 * unknown signing certificate, a token for someone else. Answered 401 before the body is looked at.
 */
export class SignatureRejectedError extends hubError(GatewayErrorCode.Unauthenticated, { retryable: false }) {}

/**
 * No webhook of this kind has that name in `config/webhooks/`: 401 like a bad signature (nothing
 * can be verified), so a stranger learns nothing from the status, and the message says what is missing.
 */
export class UnknownWebhookError extends hubError(GatewayErrorCode.Unauthenticated, { retryable: false }) {}

/** The request is the vendor's but cannot be taken as it is (a missing delivery header, a bad envelope). */
export class PushRequestError extends hubError(GatewayErrorCode.BadRequest, { retryable: false }) {}

/** A vendor endpoint the gateway must call to finish a handshake did not answer (503: the vendor retries). */
export class VendorUnavailableError extends hubError(GatewayErrorCode.NotReady, { retryable: true }) {}
