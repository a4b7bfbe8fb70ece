import { randomUUID } from 'node:crypto';
import { type HubEvent } from '@hub/contracts';
import { formatDuration } from '../../expressions/duration.js';
import { type EscalationTimeouts } from '../../matching/incident-plan.js';
import { actionRequestOf, notificationOf, ticketOf } from '../incident-events.js';
import { overdueReason } from '../repeat.policy.js';
import { type IncidentRow } from '../sensor-database.js';
import { type Machine, transition } from './machine.js';

export interface Escalation {
  readonly incident: IncidentRow;
  readonly reason: string;
  /** The event that escalates it; none when the sweeper's clock does. */
  readonly eventId?: string;
}

/**
 * any open state → escalated: to the sensor's `escalation.route`; opens the ticket when it waits
 * for this, starts the escalation chain, requests `escalation.diagnostics` once.
 */
export async function escalate(m: Machine, { incident, reason, eventId }: Escalation): Promise<HubEvent[]> {
  const { route, severity, steps = [], diagnostics } = incident.context.escalation;
  const ticket = incident.context.ticket;
  const opensTicket = ticket !== undefined && !ticket.opened;
  const chain = steps[0] ? { next: 0, dueAt: new Date(m.now.getTime() + steps[0].after).toISOString() } : undefined;
  const diagnosticsActionId = diagnostics && !incident.context.diagnosticsActionId ? randomUUID() : undefined;
  const escalated = await transition(m, {
    incident,
    to: 'escalated',
    detail: { ...(eventId ? { eventId } : {}), reason, route },
    changes: {
      escalated_at: m.now,
      context: {
        ...incident.context,
        ...(opensTicket ? { ticket: { ...ticket, opened: true } } : {}),
        ...(chain ? { chain } : {}),
        ...(diagnosticsActionId ? { diagnosticsActionId } : {}),
      },
    },
  });
  const collect =
    diagnostics && diagnosticsActionId ? [actionRequestOf(escalated, diagnosticsActionId, diagnostics)] : [];
  const notification = notificationOf(escalated, 'escalated', `escalated to ${route}: ${reason}`, {
    route,
    severity,
    fields: { reason, fireCount: String(escalated.fire_count) },
  });
  if (!opensTicket) return [notification, ...collect];
  const opened = ticketOf(escalated, 'open', await m.stores.incidents.timeline(escalated.id), reason);
  return [notification, opened, ...collect];
}

/** One open incident the sweeper found, by key and id (re-read under the key's lock). */
export interface Swept {
  readonly key: string;
  readonly id: string;
}

/**
 * remediated / remediating → escalated by the clock: still open `verifyAfter` after its fix, or no
 * result `actionTimeout` after the remediation started (Alertmanager's repeats carry the id of the
 * first notification and are dropped as handled, so no event says so). Escalates once — the state
 * is re-checked under the key's lock, so a replica sweeping at once or a later repeat finds it escalated.
 */
export async function escalateOverdue(
  m: Machine,
  { key, id, timeouts }: Swept & { readonly timeouts: EscalationTimeouts },
): Promise<HubEvent[]> {
  await m.stores.incidents.lockKey(key);
  const incident = await m.stores.incidents.lockById(id);
  const reason = incident.resolved_at ? undefined : overdueReason(incident, timeouts, m.now);
  return reason ? escalate(m, { incident, reason }) : [];
}

/**
 * escalated → escalated, louder: the next step of the chain when it is due — another route, a page
 * with the on-call mentioned — and/or the ticket. Resolving the incident stops the chain (only open
 * incidents are swept).
 */
export async function escalationStep(m: Machine, { key, id }: Swept): Promise<HubEvent[]> {
  const { now } = m;
  await m.stores.incidents.lockKey(key);
  const incident = await m.stores.incidents.lockById(id);
  const chain = incident.context.chain;
  const step = chain ? incident.context.escalation.steps?.[chain.next] : undefined;
  if (incident.resolved_at || !chain || !step || Date.parse(chain.dueAt) > now.getTime()) return [];
  const following = incident.context.escalation.steps?.[chain.next + 1];
  const ticket = incident.context.ticket;
  const opensTicket = step.ticket && ticket !== undefined && !ticket.opened;
  const since = formatDuration(now.getTime() - (incident.escalated_at ?? now).getTime());
  const route = step.route ?? incident.context.escalation.route;
  const reason = step.text ?? `still open ${since} after it escalated`;
  const { chain: _done, ...rest } = incident.context;
  const next = following
    ? { chain: { next: chain.next + 1, dueAt: new Date(now.getTime() + following.after).toISOString() } }
    : {};
  const escalated = await transition(m, {
    incident,
    to: 'escalated',
    detail: { step: chain.next + 1, reason, route },
    changes: { context: { ...rest, ...(opensTicket ? { ticket: { ...ticket, opened: true } } : {}), ...next } },
  });
  const events: HubEvent[] = [
    notificationOf(escalated, 'escalated', `escalation step ${chain.next + 1} → ${route}: ${reason}`, {
      route,
      severity: step.severity,
      mention: step.mention,
      fields: { reason, escalationStep: String(chain.next + 1) },
    }),
  ];
  if (opensTicket) events.push(ticketOf(escalated, 'open', await m.stores.incidents.timeline(escalated.id), reason));
  return events;
}
