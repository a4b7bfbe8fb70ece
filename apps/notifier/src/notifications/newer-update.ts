import { type NotificationRequested } from '@hub/contracts';
import { type QueuedEvent } from '@hub/messaging';

/**
 * Whether `queued` is a later update of the incident `data` is about, bound for the same places:
 * a `notification.requested` of the same incident (key and id: the same alert firing again after
 * it resolved is a new incident, with roots of its own), with a higher sequence, the same route and
 * team (so the same destinations and channels). Its delivery edits every root of the incident that
 * `data`'s would, to a newer state.
 */
export function isNewerUpdateOf(queued: QueuedEvent, data: NotificationRequested): boolean {
  const { routingKey, event } = queued;
  if (routingKey !== 'notification.requested' || event.type !== 'notification.requested') return false;
  const newer = event.data as NotificationRequested;
  return (
    newer.kind === 'incident' &&
    data.kind === 'incident' &&
    newer.incidentKey === data.incidentKey &&
    newer.incidentId === data.incidentId &&
    newer.sequence > data.sequence &&
    newer.route === data.route &&
    newer.team === data.team
  );
}
