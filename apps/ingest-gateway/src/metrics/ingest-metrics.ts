import { findEventDefinition, type HubEvent } from '@hub/contracts';
import { processCounter } from '@hub/telemetry';

/**
 * `hub_events_ingested_total{source,type}`: events the broker confirmed, by the source their token
 * belongs to (`hubsource`, `anonymous` without tokens) and catalog type (`unknown` otherwise), so
 * the series stay bounded. The "events in per source/type" panel of the hub overview dashboard.
 */
export function countIngested(events: readonly HubEvent[]): void {
  const counter = processCounter('hub_events_ingested_total', 'Events accepted by the gateway, by source and type', [
    'source',
    'type',
  ]);
  for (const event of events) {
    counter.inc({ source: event.hubsource ?? 'anonymous', type: findEventDefinition(event.type)?.type ?? 'unknown' });
  }
}
