import { type HubEvent } from './envelope.js';

/** The AMQP header that carries {@link partitionKeyOf}: the consistent-hash exchanges hash it. */
export const PARTITION_KEY_HEADER = 'x-hub-partition-key';

/**
 * What orders an event against others: events with the same key are handled in publish order by
 * a partitioned consumer, events with different keys in parallel. The incident key when the event
 * belongs to an incident, else its correlation id, else its `subject` (a deployment, a
 * repository), else its own id (an event nothing else is ordered against).
 */
export function partitionKeyOf(
  event: Pick<HubEvent, 'id'> & Partial<Pick<HubEvent, 'incidentkey' | 'correlationid' | 'subject'>>,
): string {
  for (const key of [event.incidentkey, event.correlationid, event.subject]) {
    if (typeof key === 'string' && key !== '') return key;
  }
  return event.id;
}
