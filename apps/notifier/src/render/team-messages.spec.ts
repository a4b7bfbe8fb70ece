import { notification } from '../__tests__/notification.fixture.js';
import { MESSAGE_LOOK, Templates } from '../templates/templates.js';
import { slackDigestMessage, slackPlainMessage, slackReplyMessage } from '../channels/slack/slack.blocks.js';
import { teamsDigest, teamsMessage } from '../channels/teams/teams.card.js';

const message = notification({
  kind: 'message',
  sequence: 0,
  incidentKey: 'deployment-completed/e-9',
  title: 'Deployed payments-api a1b2c3d',
  text: 'runs a1b2c3d <in> production',
  fields: { revision: 'a1b2c3d' },
});

describe('messages, mentions, follow-ups and digests', () => {
  it('renders a one-off Slack message without state or update number, escaped', () => {
    const { text, blocks } = slackPlainMessage(message, MESSAGE_LOOK);
    expect(text).toBe(':mega: Deployed payments-api a1b2c3d');
    const json = JSON.stringify(blocks);
    expect(json).not.toContain('Update #');
    expect(json).not.toContain('Remediation');
    expect(json).toContain('runs a1b2c3d &lt;in&gt; production');
    expect(json).toContain('`deployment-completed/e-9`');
  });

  it('puts the on-call mention first in an escalation reply, unescaped (it is Slack syntax from teams.yaml)', () => {
    const { text } = slackReplyMessage(notification({ state: 'escalated' }), undefined, '<!subteam^S123>');
    expect(text.startsWith('<!subteam^S123> :sos: Escalated to on-call:')).toBe(true);
  });

  it('titles a Teams follow-up with the update and mentions on-call with an entity', () => {
    const card = teamsMessage(notification({ state: 'escalated', sequence: 3 }), {
      followUp: true,
      mention: 'oncall@example.com',
    }).attachments[0]!.content;
    expect(card.body[0]).toMatchObject({
      text: '↪ Update #3: Escalated to on-call — ArgoCD application payments-api is unhealthy',
    });
    expect(card.body[1]).toMatchObject({ text: '<at>oncall@example.com</at> — escalated to on-call' });
    expect(card.msteams.entities).toEqual([
      {
        type: 'mention',
        text: '<at>oncall@example.com</at>',
        mentioned: { id: 'oncall@example.com', name: 'oncall@example.com' },
      },
    ]);
  });

  it('lists a burst as one Slack message and one card', () => {
    const second = { ...message, incidentKey: 'deployment-completed/e-10', title: 'Deployed checkout 9f8e7d6' };
    const slack = slackDigestMessage([message, second], MESSAGE_LOOK);
    expect(slack.text).toBe(':mega: 2 notifications: Deployed payments-api a1b2c3d; Deployed checkout 9f8e7d6');
    const card = teamsDigest([message, second], MESSAGE_LOOK).attachments[0]!.content;
    expect(card.body.map((b) => b.type)).toEqual(['TextBlock', 'TextBlock', 'TextBlock', 'FactSet']);
  });

  it('merges template overrides over the built-in looks', () => {
    const templates = new Templates({ firing: { word: 'On fire' }, message: { slackEmoji: ':rocket:' } });
    expect(templates.lookOf({ kind: 'incident', state: 'firing' })).toMatchObject({
      word: 'On fire',
      slackEmoji: ':rotating_light:',
    });
    expect(templates.lookOf({ kind: 'message', state: 'firing' })).toMatchObject({
      word: 'Notice',
      slackEmoji: ':rocket:',
    });
    expect(templates.lookOf({ kind: 'incident', state: 'resolved' }).word).toBe('Resolved');
  });
});
