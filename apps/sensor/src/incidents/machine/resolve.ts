import { randomUUID } from 'node:crypto';
import { type HubEvent } from '@hub/contracts';
import { formatDuration } from '../../expressions/duration.js';
import { type ResolvePlan } from '../../matching/incident-plan.js';
import { describeAction, notificationOf, ticketOf } from '../incident-events.js';
import { startedAtOf } from '../../matching/event-facts.js';
import { type IncidentRow } from '../sensor-database.js';
import { isLater, type Machine, requestAction, type ResolveResult, transition } from './machine.js';

/**
 * How long a resolution handled before its firing keeps that alert instance closed. Alertmanager
 * retries a webhook for minutes, and a redelivery through the retry tiers takes as long; a day
 * covers both with room to spare.
 */
const TOMBSTONE_MS = 24 * 60 * 60_000;

export interface Closing {
  readonly incident: IncidentRow;
  /** The event that resolves it (the history's `eventId`). */
  readonly eventId: string;
  /** Why, when it is not the sensor's `resolveOn` (a person, a newer alert instance, `onSuccess.resolve`). */
  readonly why?: string;
}

/** any open state → resolved: says so, requests the `on: resolve` actions, resolves the ticket it opened. */
export async function close(m: Machine, { incident: open, eventId, why }: Closing): Promise<HubEvent[]> {
  const incident = await transition(m, {
    incident: open,
    to: 'resolved',
    detail: { eventId, ...(why ? { why } : {}) },
    changes: { resolved_at: m.now },
  });
  const after = formatDuration(m.now.getTime() - open.opened_at.getTime());
  const remediated = open.remediated_at ? ` (remediated by ${describeAction(open.context.action)})` : '';
  const text = `resolved after ${after}${remediated}${why ? ` — ${why}` : ''}`;
  const resolveActions = (open.context.resolveActions ?? []).map((action) =>
    requestAction(m, incident, action, randomUUID()),
  );
  const ticket = open.context.ticket?.opened
    ? [ticketOf(incident, 'resolve', await m.stores.incidents.timeline(incident.id), text)]
    : [];
  const notification = notificationOf(incident, 'resolved', text, {
    severity: 'info',
    fields: { fireCount: String(incident.fire_count) },
  });
  return [notification, ...resolveActions, ...ticket];
}

export interface Resolution {
  readonly plan: ResolvePlan;
  readonly event: HubEvent;
}

/** The sensor's `resolveOn` event: resolve the open incident of the key, if any (else why not). */
export async function resolveOn(m: Machine, { plan, event }: Resolution): Promise<ResolveResult> {
  const { incidents, noise } = m.stores;
  await incidents.lockKey(plan.key);
  const open = await incidents.findOpen(plan.key);
  if (!open) {
    // Resolved before its firing was handled: leave a tombstone so the late firing opens nothing.
    const startsAt = startedAtOf(event);
    if (startsAt) await noise.tombstone(plan.sensor, plan.key, startsAt, m.now, TOMBSTONE_MS);
    return { events: [], why: `would resolve ${plan.key}, but no incident of it is open` };
  }
  if (open.sensor !== plan.sensor) return { events: [], why: `incident ${plan.key} belongs to sensor ${open.sensor}` };
  if (isLater(open.context.startsAt, startedAtOf(event))) {
    // Handled late: it resolves an earlier instance of the alert, not the one this incident tracks.
    m.logger.warn({ msg: 'stale resolution ignored', key: plan.key, incidentId: open.id, eventId: event.id });
    return { events: [], why: `a stale resolution of ${plan.key} (an earlier instance of the alert)` };
  }
  return { events: await close(m, { incident: open, eventId: event.id }) };
}
