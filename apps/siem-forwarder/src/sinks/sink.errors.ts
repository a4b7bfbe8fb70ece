import { HubError } from '@hub/contracts';

export enum SinkErrorCode {
  Unavailable = 'SINK_UNAVAILABLE',
  Rejected = 'SINK_REJECTED',
}

/** The destination cannot take the batch now (down, busy, timeout, no ack): send it again later. */
export class SinkUnavailableError extends HubError<SinkErrorCode.Unavailable> {
  readonly code = SinkErrorCode.Unavailable;
  readonly retryable = true;

  constructor(
    readonly sink: string,
    message: string,
    /** What the destination asked for (Retry-After), if anything. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, { sink, retryAfterMs }, options);
  }
}

/** The destination refused one record for good (HEC "Invalid data format"): it goes to the parking queue. */
export class SinkRejectedError extends HubError<SinkErrorCode.Rejected> {
  readonly code = SinkErrorCode.Rejected;
  readonly retryable = false;

  constructor(
    readonly sink: string,
    readonly reason: string,
  ) {
    super(`${sink} rejected the record: ${reason}`, { sink, reason });
  }
}
