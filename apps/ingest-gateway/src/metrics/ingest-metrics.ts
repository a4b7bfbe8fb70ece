import { type Counter } from 'prom-client';
import { findEventDefinition, type HubEvent } from '@hub/contracts';
import { processCounter } from '@hub/telemetry';

/**
 * `hub_events_ingested_total{source,type}`: events the broker confirmed, by the source their token
 * belongs to (`hubsource`, `anonymous` without tokens) and catalog type (`unknown` otherwise), so
 * the series stay bounded. The "events in per source/type" panel of the hub overview dashboard.
 */
export class IngestMetrics {
  private readonly ingested: Counter<'source' | 'type'> = processCounter(
    'hub_events_ingested_total',
    'Events accepted by the gateway, by source and type',
    ['source', 'type'],
  );

  accepted(events: readonly HubEvent[]): void {
    for (const event of events) {
      const type = findEventDefinition(event.type)?.type ?? 'unknown';
      this.ingested.inc({ source: event.hubsource ?? 'anonymous', type });
    }
  }
}
