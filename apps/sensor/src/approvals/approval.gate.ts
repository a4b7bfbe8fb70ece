import { randomUUID } from 'node:crypto';
import { type ActionRequested, type HubEvent, type NotificationRequested } from '@hub/contracts';
import { formatDuration } from '../expressions/duration.js';
import { describeAction, notificationOf } from '../incidents/incident-events.js';
import { type SensorStores } from '../stores/sensor-stores.js';

/**
 * Holds back a remediation whose trigger has an `approval:` gate. The incident state machine asks
 * for the action as always; before the work commits, this swaps the `action.requested.<kind>` for
 * an approval that keeps it (state `waiting`, `timeout_at`), and the "remediation started" message
 * for "waiting for approval by …" (with the approval id, which the Slack root turns into
 * Approve / Deny buttons). Nothing reaches the executor until a decision publishes the kept request.
 */
export class ApprovalGate {
  async gate(stores: SensorStores, events: HubEvent[], now: Date): Promise<HubEvent[]> {
    let out = [...events];
    for (const event of events) {
      if (!event.type.startsWith('action.requested.') || !event.correlationid) continue;
      const { actionId } = event.data as ActionRequested;
      const incident = await stores.incidents.findById(event.correlationid);
      const action = incident?.context.action;
      if (!incident || incident.action_id !== actionId || !action?.approval) continue;
      const { approvers, timeoutMs, onTimeout } = action.approval;
      const id = randomUUID();
      await stores.approvals.insert({
        id,
        incidentId: incident.id,
        incidentKey: incident.key,
        sensor: incident.sensor,
        trigger: action.trigger,
        approvers,
        onTimeout,
        actionId,
        event,
        requestedAt: now,
        timeoutAt: new Date(now.getTime() + timeoutMs),
      });
      const waiting = await stores.incidents.transition(incident, 'remediating', now, {
        why: `waiting for approval by ${approvers}`,
        approvalId: id,
        actionId,
      });
      const text =
        `waiting for approval by ${approvers}: ${describeAction(action)} — approve or deny within ` +
        `${formatDuration(timeoutMs)} (then ${onTimeout === 'deny' ? 'denied' : 'it proceeds'}); approval ${id}`;
      const notice = notificationOf(waiting, 'remediating', text, { fields: { approvalId: id, approvers } });
      out = out.filter((e) => e !== event);
      const started = out.findIndex((e) => isStartedNotice(e, incident.id));
      if (started >= 0) out[started] = notice;
      else out.push(notice);
    }
    return out;
  }
}

function isStartedNotice(event: HubEvent, incidentId: string): boolean {
  if (event.type !== 'notification.requested' || event.correlationid !== incidentId) return false;
  return (event.data as NotificationRequested).state === 'remediating';
}
