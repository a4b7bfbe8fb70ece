import { type HubEvent } from '@hub/contracts';

/**
 * What every sink receives for one event of the bus: the event with its secrets already redacted,
 * and the trace it was consumed in. Built once, so every sink sees the same content.
 */
export interface SiemRecord {
  readonly event: HubEvent;
  readonly traceId?: string;
}
