import { vendorRejectedError, vendorUnavailableError } from '@hub/contracts';

export enum SinkErrorCode {
  Unavailable = 'SINK_UNAVAILABLE',
  Rejected = 'SINK_REJECTED',
}

/**
 * The destination cannot take the batch now (down, busy, timeout, no ack): send it again later,
 * after `retryAfterMs` when it asked for that. `vendor` is the sink's name.
 */
export class SinkUnavailableError extends vendorUnavailableError(SinkErrorCode.Unavailable) {}

/** The destination refused one record for good (HEC "Invalid data format"): it goes to the parking queue. */
export class SinkRejectedError extends vendorRejectedError(SinkErrorCode.Rejected) {
  constructor(
    sink: string,
    readonly reason: string,
  ) {
    super(sink, `${sink} rejected the record: ${reason}`, { context: { reason } });
  }
}
