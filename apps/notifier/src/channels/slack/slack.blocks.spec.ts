import { notification, TRACE_ID } from '../../__tests__/notification.fixture.js';
import { escapeMrkdwn, slackReplyMessage, slackRootMessage } from './slack.blocks.js';

const traceId = TRACE_ID;

describe(slackRootMessage.name, () => {
  it('shows title, state, severity, fields, text, links and the trace id', () => {
    const { text, blocks } = slackRootMessage(notification());
    expect(text).toBe(':hammer_and_wrench: Remediation started: ArgoCD application payments-api is unhealthy');
    expect(blocks).toEqual([
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: ':hammer_and_wrench: ArgoCD application payments-api is unhealthy',
          emoji: true,
        },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*State*\n:hammer_and_wrench: Remediation started' },
          { type: 'mrkdwn', text: '*Severity*\nCritical' },
          { type: 'mrkdwn', text: '*app*\npayments-api' },
          { type: 'mrkdwn', text: '*namespace*\npayments' },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: 'Syncing payments-api &lt;now&gt; &amp; then checking' } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Argo CD', emoji: true },
            url: 'https://argocd.example/applications/payments-api',
            action_id: 'link-0',
          },
        ],
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `Trace \`${traceId}\`  ·  Incident \`fp-123\`  ·  Update #2` }],
      },
    ]);
  });

  it('adds the Grafana trace button and links the trace id when there is a trace URL', () => {
    const traceUrl = 'https://grafana.example/explore?panes=x';
    const { blocks } = slackRootMessage(notification({ traceUrl, links: [] }));
    expect(blocks).toContainEqual({
      type: 'actions',
      elements: [
        expect.objectContaining({
          url: traceUrl,
          action_id: 'trace',
          text: expect.objectContaining({ text: 'View trace in Grafana' }),
        }),
      ],
    });
    expect(JSON.stringify(blocks.at(-1))).toContain(`<${traceUrl}|${traceId}>`);
  });

  it('keeps within Block Kit limits: 10 fields a section, 150-character headers, http(s) buttons only', () => {
    const fields = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, 'v']));
    const { blocks } = slackRootMessage(
      notification({ fields, title: 'x'.repeat(300), text: '', links: [{ title: 'bad', url: 'javascript:alert(1)' }] }),
    );
    const sections = blocks.filter((b) => b.type === 'section');
    expect(sections.map((s) => s.fields?.length)).toEqual([10, 4]);
    const header = blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBe(150);
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});

describe(slackReplyMessage.name, () => {
  it('says the state and what happened, with the fields and the trace', () => {
    const { text, blocks } = slackReplyMessage(notification({ state: 'resolved', sequence: 4, text: 'All good' }));
    expect(text).toBe(':large_green_circle: Resolved: All good');
    expect(blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':large_green_circle: *Resolved* — All good' },
    });
    expect(JSON.stringify(blocks)).toContain('*app:* payments-api');
    expect(JSON.stringify(blocks)).toContain(traceId);
  });

  it('falls back to the title when the update has no text', () => {
    expect(slackReplyMessage(notification({ text: '' })).text).toContain(
      'ArgoCD application payments-api is unhealthy',
    );
  });
});

describe(escapeMrkdwn.name, () => {
  it('escapes the control characters of mrkdwn', () => {
    expect(escapeMrkdwn('<!channel> a & b > c')).toBe('&lt;!channel&gt; a &amp; b &gt; c');
  });
});
