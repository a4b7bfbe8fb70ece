import { type Notification } from '../notifications/notification.js';
import { severityWord, STATES } from './presentation.js';

/** The Adaptive Card elements the notifier uses (schema 1.4, which Teams renders). */
export type CardElement =
  | {
      type: 'TextBlock';
      text: string;
      wrap: true;
      weight?: 'Bolder';
      size?: 'Medium' | 'Large';
      color?: string;
      isSubtle?: boolean;
    }
  | { type: 'FactSet'; facts: { title: string; value: string }[] };

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  body: CardElement[];
  actions: { type: 'Action.OpenUrl'; title: string; url: string }[];
  msteams: { width: 'Full' };
}

/** The body a Teams Workflows webhook takes: a message with one Adaptive Card attachment. */
export interface TeamsMessage {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: AdaptiveCard;
  }[];
}

/**
 * One card per update (Teams webhooks have no threads): title with the state, the text, a fact
 * set (state, severity, the notification's fields, update number, trace id) and link buttons,
 * plus "View trace in Grafana" when `GRAFANA_URL` is set.
 */
export function teamsMessage(n: Notification): TeamsMessage {
  const state = STATES[n.state];
  const body: CardElement[] = [
    {
      type: 'TextBlock',
      text: `${state.emoji} ${n.title}`,
      wrap: true,
      weight: 'Bolder',
      size: 'Medium',
      color: state.color,
    },
  ];
  if (n.text.trim() !== '') body.push({ type: 'TextBlock', text: n.text, wrap: true });
  body.push({
    type: 'FactSet',
    facts: [
      { title: 'State', value: `${state.emoji} ${state.word}` },
      { title: 'Severity', value: severityWord(n.severity) },
      ...Object.entries(n.fields).map(([title, value]) => ({ title, value })),
      { title: 'Incident', value: n.incidentKey },
      { title: 'Update', value: `#${n.sequence}` },
      { title: 'Trace id', value: n.traceId ?? 'none' },
    ],
  });
  const actions: AdaptiveCard['actions'] = n.links
    .filter((link) => /^https?:\/\//i.test(link.url))
    .map((link) => ({ type: 'Action.OpenUrl', title: link.title, url: link.url }));
  if (n.traceUrl) actions.push({ type: 'Action.OpenUrl', title: 'View trace in Grafana', url: n.traceUrl });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions,
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}
