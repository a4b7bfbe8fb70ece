import { type SiemRecord } from './siem-record.js';

/** What a destination did with a batch: the records it refused for good (by index), with why. */
export interface BatchOutcome {
  readonly rejected: ReadonlyMap<number, string>;
}

export const ALL_TAKEN: BatchOutcome = { rejected: new Map() };

/**
 * One destination of audit records (Splunk HEC, syslog, the local audit log). `deliver` resolves
 * once the destination acknowledged the batch (records not in `rejected` are safe there) and throws
 * a {@link SinkUnavailableError} when the whole batch should be sent again later. A sink keeps the
 * order of the batch.
 */
export interface Sink {
  readonly name: string;
  /** Where it writes, for the start-up log (never with credentials). */
  readonly target: string;
  deliver(batch: readonly SiemRecord[]): Promise<BatchOutcome>;
  close(): Promise<void>;
}
