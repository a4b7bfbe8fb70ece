import { hubError } from '@hub/contracts';

export enum OutboxErrorCode {
  PublishFailed = 'SENSOR_OUTBOX_PUBLISH_FAILED',
}

/**
 * Events of a committed state change could not all be published. Retryable: they stay in
 * `sensor_outbox`, and the retried delivery (or the relay) publishes them again.
 */
export class OutboxPublishError extends hubError(OutboxErrorCode.PublishFailed, { retryable: true }) {}
