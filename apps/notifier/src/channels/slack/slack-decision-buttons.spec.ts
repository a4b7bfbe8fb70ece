import { DECISION_BUTTONS } from '@hub/contracts';
import { notification } from '../../__tests__/notification.fixture.js';
import { decisionButtons } from './slack-decision-buttons.js';

describe(decisionButtons.name, () => {
  it('offers acknowledge, silence and resolve on an open incident, valued with its id', () => {
    const buttons = decisionButtons(notification({ state: 'escalated' }));
    expect(buttons.map((b) => [b.action_id, b.text.text, b.value])).toEqual([
      ['hub:acknowledge', 'Acknowledge', 'inc-1'],
      ['hub:silence:1h', 'Silence 1 h', 'inc-1'],
      ['hub:silence:4h', 'Silence 4 h', 'inc-1'],
      ['hub:silence:resolved', 'Silence until resolved', 'inc-1'],
      ['hub:resolve', 'Resolve', 'inc-1'],
    ]);
    for (const b of buttons) expect(DECISION_BUTTONS[b.action_id].label).toBe(b.text.text);
  });

  it('puts Approve / Deny first while the remediation waits for approval', () => {
    const waiting = notification({ state: 'remediating', fields: { approvalId: 'ap-9', approvers: 'payments' } });
    expect(decisionButtons(waiting).slice(0, 2)).toEqual([
      expect.objectContaining({ action_id: 'hub:approve', value: 'ap-9', style: 'primary' }),
      expect.objectContaining({ action_id: 'hub:deny', value: 'ap-9', style: 'danger' }),
    ]);
    expect(decisionButtons(notification({ state: 'remediated', fields: { approvalId: 'ap-9' } }))[0]?.action_id).toBe(
      'hub:acknowledge',
    );
  });

  it('offers nothing on a resolved incident or a one-off message', () => {
    expect(decisionButtons(notification({ state: 'resolved' }))).toEqual([]);
    expect(decisionButtons(notification({ kind: 'message', state: 'firing' }))).toEqual([]);
  });
});
