import { type Notification } from '../../notification.js';
import { severityWord, type StatePresentation, STATES } from '../../render/presentation.js';

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
  msteams: { width: 'Full'; entities?: TeamsMention[] };
}

/** An Adaptive Card mention: `<at>text</at>` in a TextBlock, resolved through this entity. */
export interface TeamsMention {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

/** How a card is shaped beyond the notification itself. */
export interface CardOptions {
  /** The look of the state (or of `message`), from the templates. */
  look?: StatePresentation;
  /** A later card of an incident that already has one here: says so in its title (Teams webhooks cannot edit). */
  followUp?: boolean;
  /** The on-call to mention (teams.yaml `oncall.msteams`: a UPN/e-mail or AAD object id). */
  mention?: string;
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
export function teamsMessage(n: Notification, options: CardOptions = {}): TeamsMessage {
  const state = options.look ?? STATES[n.state];
  const message = n.kind === 'message';
  const title = options.followUp ? `↪ Update #${n.sequence}: ${state.word} — ${n.title}` : `${state.emoji} ${n.title}`;
  const body: CardElement[] = [
    {
      type: 'TextBlock',
      text: title,
      wrap: true,
      weight: 'Bolder',
      size: 'Medium',
      color: state.color,
    },
  ];
  const entities: TeamsMention[] = [];
  if (options.mention) {
    const text = `<at>${options.mention}</at>`;
    entities.push({ type: 'mention', text, mentioned: { id: options.mention, name: options.mention } });
    body.push({ type: 'TextBlock', text: `${text} — escalated to on-call`, wrap: true, weight: 'Bolder' });
  }
  if (n.text.trim() !== '') body.push({ type: 'TextBlock', text: n.text, wrap: true });
  const facts = message
    ? [...Object.entries(n.fields).map(([title, value]) => ({ title, value })), { title: 'Ref', value: n.incidentKey }]
    : [
        { title: 'State', value: `${state.emoji} ${state.word}` },
        { title: 'Severity', value: severityWord(n.severity) },
        ...Object.entries(n.fields).map(([title, value]) => ({ title, value })),
        { title: 'Incident', value: n.incidentKey },
        { title: 'Update', value: `#${n.sequence}` },
      ];
  body.push({ type: 'FactSet', facts: [...facts, { title: 'Trace id', value: n.traceId ?? 'none' }] });
  const actions: AdaptiveCard['actions'] = n.links
    .filter((link) => /^https?:\/\//i.test(link.url))
    .map((link) => ({ type: 'Action.OpenUrl', title: link.title, url: link.url }));
  if (n.traceUrl) actions.push({ type: 'Action.OpenUrl', title: 'View trace in Grafana', url: n.traceUrl });
  return wrapCard(body, actions, entities);
}

/** Several one-off messages of a burst for one team as one card (the digest): one line per message. */
export function teamsDigest(items: readonly Notification[], look: StatePresentation): TeamsMessage {
  const header: CardElement = {
    type: 'TextBlock',
    text: `${look.emoji} ${items.length} notifications`.trim(),
    wrap: true,
    weight: 'Bolder',
    size: 'Medium',
    color: look.color,
  };
  const lines: CardElement[] = items.map((n) => ({
    type: 'TextBlock',
    text: `**${n.title}**${n.text.trim() ? ` — ${n.text}` : ''}`,
    wrap: true,
  }));
  const refs: CardElement = {
    type: 'FactSet',
    facts: items.map((n, i) => ({ title: `Ref ${i + 1}`, value: n.incidentKey })),
  };
  const actions: AdaptiveCard['actions'] = items
    .flatMap((n) => n.links)
    .filter((link) => /^https?:\/\//i.test(link.url))
    .map((link) => ({ type: 'Action.OpenUrl', title: link.title, url: link.url }));
  return wrapCard([header, ...lines, refs], actions);
}

function wrapCard(body: CardElement[], actions: AdaptiveCard['actions'], entities: TeamsMention[] = []): TeamsMessage {
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
          msteams: entities.length > 0 ? { width: 'Full', entities } : { width: 'Full' },
        },
      },
    ],
  };
}
