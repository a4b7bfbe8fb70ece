import { type Button } from '@slack/types';
import { DECISION_BUTTONS, type DecisionButtonId } from '@hub/contracts';
import { type Notification } from '../../notification.js';

/** A Block Kit button that calls the hub back (interactivity) rather than opening a link. */
export interface DecisionButtonElement extends Button {
  action_id: DecisionButtonId;
  value: string;
}

const ON_INCIDENT: readonly DecisionButtonId[] = [
  'hub:acknowledge',
  'hub:silence:1h',
  'hub:silence:4h',
  'hub:silence:resolved',
  'hub:resolve',
];

/**
 * The buttons of an open incident's root (docs/notifications.md, "Slack buttons"): Approve / Deny
 * while its remediation waits for approval (the sensor's notification names the `approvalId`), then
 * Acknowledge, Silence 1 h / 4 h / until resolved, Resolve. Their `value` is the approval or incident
 * id; the gateway's interactivity route reads them back by `action_id` (`DECISION_BUTTONS`). None
 * on a resolved incident or a one-off message.
 */
export function decisionButtons(n: Notification): DecisionButtonElement[] {
  if (n.kind !== 'incident' || n.state === 'resolved') return [];
  const approvalId = n.state === 'remediating' ? n.fields.approvalId : undefined;
  const approval: DecisionButtonElement[] = approvalId
    ? [
        { ...element('hub:approve', approvalId), style: 'primary' },
        { ...element('hub:deny', approvalId), style: 'danger' },
      ]
    : [];
  return [...approval, ...ON_INCIDENT.map((id) => element(id, n.incidentId))];
}

function element(id: DecisionButtonId, value: string): DecisionButtonElement {
  return {
    type: 'button',
    text: { type: 'plain_text', text: DECISION_BUTTONS[id].label, emoji: true },
    action_id: id,
    value,
  };
}
