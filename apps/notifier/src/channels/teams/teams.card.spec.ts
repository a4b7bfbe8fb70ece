import { notification } from '../../__tests__/notification.fixture.js';
import { teamsMessage } from './teams.card.js';

describe(teamsMessage.name, () => {
  it('wraps an Adaptive Card 1.4 in the message a Workflows webhook takes', () => {
    const message = teamsMessage(notification({ traceUrl: 'https://grafana.example/explore?x' }));
    expect(message).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null }],
    });
    expect(message.attachments).toHaveLength(1);
    const card = message.attachments[0]!.content;
    expect(card).toMatchObject({
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
    });
    expect(card.body[0]).toMatchObject({
      type: 'TextBlock',
      text: '🛠️ ArgoCD application payments-api is unhealthy',
      wrap: true,
    });
    expect(card.body).toContainEqual({ type: 'FactSet', facts: expect.any(Array) });
    const facts = card.body.find((element) => element.type === 'FactSet');
    expect(facts?.type === 'FactSet' && facts.facts).toEqual([
      { title: 'State', value: '🛠️ Remediation started' },
      { title: 'Severity', value: 'Critical' },
      { title: 'app', value: 'payments-api' },
      { title: 'namespace', value: 'payments' },
      { title: 'Incident', value: 'fp-123' },
      { title: 'Update', value: '#2' },
      { title: 'Trace id', value: '4bf92f3577b34da6a3ce929d0e0e4736' },
    ]);
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Argo CD', url: 'https://argocd.example/applications/payments-api' },
      { type: 'Action.OpenUrl', title: 'View trace in Grafana', url: 'https://grafana.example/explore?x' },
    ]);
  });

  it('has no Grafana action without a trace URL and no text block for an empty text', () => {
    const card = teamsMessage(notification({ text: '', links: [] })).attachments[0]!.content;
    expect(card.actions).toEqual([]);
    expect(card.body.map((element) => element.type)).toEqual(['TextBlock', 'FactSet']);
  });
});
