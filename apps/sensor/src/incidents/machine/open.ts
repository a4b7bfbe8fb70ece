import { randomUUID } from 'node:crypto';
import { eventIdentity, type HubEvent } from '@hub/contracts';
import { formatDuration } from '../../expressions/duration.js';
import { type IncidentPlan } from '../../matching/incident-plan.js';
import { startedAtOf } from '../../matching/event-facts.js';
import { notificationOf, ticketOf } from '../incident-events.js';
import { held, type Machine, requestAction, triggered, type TriggerResult } from './machine.js';
import { cooldownUntil, remediate, takeRate } from './remediate.js';

export interface Opening {
  readonly plan: IncidentPlan;
  readonly event: HubEvent;
}

/** (none) → firing, unless the window is not full yet (`aggregate`) or one opened within `onceWithin`. */
export async function openGated(m: Machine, { plan, event }: Opening): Promise<TriggerResult> {
  const { aggregate, onceWithinMs } = plan;
  const { noise } = m.stores;
  if (aggregate) {
    const count = await noise.countInWindow(
      plan.sensor,
      plan.key,
      eventIdentity(event),
      plan.eventAt,
      aggregate.withinMs,
    );
    if (count < aggregate.count) {
      const within = formatDuration(aggregate.withinMs);
      return held('aggregating', `aggregating: ${count} of ${aggregate.count} within ${within} for ${plan.key}`);
    }
    await noise.resetWindow(plan.sensor, plan.key);
  }
  if (onceWithinMs && !(await noise.claim(plan.sensor, 'once', plan.key, plan.eventAt, onceWithinMs))) {
    const within = formatDuration(onceWithinMs);
    return held('once-within', `an incident of ${plan.key} opened within ${within} (onceWithin)`);
  }
  return triggered(await open(m, { plan, event }));
}

/**
 * (none) → firing: the incident, its firing notification (and ticket, when it opens at once), its
 * further `on: open` actions and the remediation — unless the key's cooldown or the trigger's rate
 * limit holds the remediation back (a repeat may start it later).
 */
export async function open(m: Machine, { plan, event }: Opening): Promise<HubEvent[]> {
  const { summary, severity, route, escalation, fields, links, team, resolveActions } = plan;
  const ticket = plan.ticket ? { ...plan.ticket, opened: plan.ticket.when === 'open' } : undefined;
  const incident = await m.stores.incidents.open(
    {
      id: randomUUID(),
      key: plan.key,
      sensor: plan.sensor,
      title: plan.title,
      labels: plan.labels,
      at: m.now,
      context: {
        summary,
        severity,
        route,
        escalation,
        fields,
        links,
        team,
        resolveActions,
        ...(ticket ? { ticket } : {}),
        startsAt: startedAtOf(event),
      },
    },
    { eventId: event.id, dependency: plan.dependency },
  );
  m.metrics.transitions.inc({ sensor: plan.sensor, state: 'firing' });
  const { action } = plan;
  const heldUntil = await cooldownUntil(m, plan);
  const rateLimited = !heldUntil && action !== undefined && !(await takeRate(m, plan.sensor, action));
  const heldBack = heldUntil
    ? ` — remediation held back by the ${formatDuration(plan.cooldownMs)} cooldown of ${plan.key} (until ${heldUntil.toISOString()})`
    : rateLimited
      ? ` — remediation held back: trigger ${action.trigger} reached its rate limit (${action.rateLimit?.max} per ${formatDuration(action.rateLimit?.perMs ?? 0)})`
      : '';
  const opened: HubEvent[] = [
    notificationOf(incident, 'firing', `${summary}${heldBack}`, { fields: { fireCount: '1' } }),
  ];
  if (ticket?.opened) opened.push(ticketOf(incident, 'open', await m.stores.incidents.timeline(incident.id), summary));
  if (!heldUntil && !rateLimited) {
    opened.push(...plan.sideActions.map((side) => requestAction(m, incident, side, randomUUID())));
    if (action) opened.push(...(await remediate(m, { incident, action })));
  }
  return opened;
}
