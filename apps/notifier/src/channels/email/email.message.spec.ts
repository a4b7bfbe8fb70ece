import { notification } from '../../__tests__/notification.fixture.js';
import { digestEmailOf, emailOf } from './email.message.js';
import { messageIdDomain, threadingOf } from './email.thread.js';

const TO = ['ops@example.com'];

describe(threadingOf.name, () => {
  it("derives the root's Message-ID from the incident id, and points later updates at it", () => {
    expect(threadingOf(notification({ sequence: 1, state: 'firing' }), 'hub.example')).toEqual({
      messageId: '<hub.incident.inc-1@hub.example>',
      root: true,
    });
    expect(threadingOf(notification({ sequence: 3, eventId: 'e-9' }), 'hub.example')).toEqual({
      messageId: '<hub.incident.inc-1.3.e-9@hub.example>',
      inReplyTo: '<hub.incident.inc-1@hub.example>',
      references: ['<hub.incident.inc-1@hub.example>'],
      root: false,
    });
  });

  it('keeps any incident or event id a valid Message-ID (no spaces, brackets, dots or @ of its own)', () => {
    const { messageId } = threadingOf(
      notification({ sequence: 2, incidentId: 'a b@c.(d)', eventId: 'x>y' }),
      'h.example',
    );
    expect(messageId).toBe('<hub.incident.a%20b%40c%2E%28d%29.2.x%3Ey@h.example>');
    expect(messageId).toMatch(/^<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@h\.example>$/);
  });

  it('gives a one-off message its own Message-ID from its event', () => {
    expect(threadingOf(notification({ kind: 'message', eventId: 'e-5' }), 'd.example').messageId).toBe(
      '<hub.message.e-5@d.example>',
    );
  });
});

describe(messageIdDomain.name, () => {
  it.each([
    ['Hub <hub@acme.example>', 'acme.example'],
    ['hub@mail.acme.example', 'mail.acme.example'],
    ['nonsense', 'hub.invalid'],
  ])('%s → %s', (from, domain) => expect(messageIdDomain(from)).toBe(domain));
});

describe(emailOf.name, () => {
  it('has one subject per conversation (Re: on updates), text and HTML with the state, fields, links and trace', () => {
    const n = notification({ traceUrl: 'http://grafana.example/explore?x' });
    const email = emailOf(n, TO, 'hub.example');
    expect(email.subject).toBe('Re: [Critical] ArgoCD application payments-api is unhealthy');
    expect(emailOf(notification({ sequence: 1, state: 'firing' }), TO, 'hub.example').subject).toBe(
      '[Critical] ArgoCD application payments-api is unhealthy',
    );
    expect(email.text).toContain('Remediation started: ArgoCD application payments-api is unhealthy');
    expect(email.text).toContain('namespace: payments');
    expect(email.text).toContain('Incident: fp-123');
    expect(email.text).toContain('Trace: 4bf92f3577b34da6a3ce929d0e0e4736');
    expect(email.text).toContain('View trace in Grafana: http://grafana.example/explore?x');
    expect(email.headers).toMatchObject({ 'Auto-Submitted': 'auto-generated', 'X-Hub-Incident-Key': 'fp-123' });
  });

  it('escapes the HTML body', () => {
    const email = emailOf(notification({ title: '<b>x</b>', fields: { 'a&b': '"q"' } }), TO, 'hub.example');
    expect(email.html).toContain('Syncing payments-api &lt;now&gt; &amp; then checking');
    expect(email.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(email.html).toContain('<th align="left">a&amp;b</th><td>&quot;q&quot;</td>');
    expect(email.html).not.toContain('<b>x</b>');
  });

  it('makes one email of a burst of messages, named after all of them', () => {
    const items = [
      notification({ kind: 'message', eventId: 'a', title: 'Deployed api' }),
      notification({ kind: 'message', eventId: 'b', title: 'Deployed web' }),
    ];
    const email = digestEmailOf(items, TO, 'hub.example');
    expect(email.subject).toBe('[Critical] 2 messages: Deployed api; Deployed web');
    expect(email.text).toContain('Notice: Deployed api');
    expect(email.text).toContain('Notice: Deployed web');
    expect(email.messageId).toMatch(/^<hub\.digest\.[0-9a-f]{32}@hub\.example>$/);
    expect(email.headers['X-Hub-Event-Id']).toBe('a, b');
  });
});
