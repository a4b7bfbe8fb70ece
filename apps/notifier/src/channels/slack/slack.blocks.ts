import {
  type ActionsBlock,
  type Button,
  type ContextBlock,
  type HeaderBlock,
  type MrkdwnElement as Mrkdwn,
  type SectionBlock,
} from '@slack/types';
import { type Notification } from '../../notification.js';
import { decisionButtons } from './slack-decision-buttons.js';
import { severityWord, type StatePresentation, STATES, truncate } from '../../render/presentation.js';

/** The Block Kit blocks the notifier sends (of `@slack/types`' `KnownBlock`). */
export type SlackBlock = HeaderBlock | SectionBlock | ActionsBlock | ContextBlock;

/** A message body: `text` is the notification / screen-reader fallback of the blocks. */
export interface SlackContent {
  text: string;
  blocks: SlackBlock[];
}

/** Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks). */
const LIMITS = { header: 150, sectionText: 3000, field: 2000, fieldsPerSection: 10, buttonText: 75, url: 3000 };
const MAX_BUTTONS = 25;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The incident's root message: title with the current state, state and severity, the
 * notification's fields, its text, link buttons (and the Grafana trace), and a context line with
 * the trace id, incident key and update number. `chat.update` replaces it with the newest state.
 * With `decisions` (`SLACK_INTERACTIVE`), a second actions block holds the decision buttons
 * ({@link decisionButtons}); a resolved incident's edit drops them.
 */
export function slackRootMessage(
  n: Notification,
  state: StatePresentation = STATES[n.state],
  { decisions = false }: { decisions?: boolean } = {},
): SlackContent {
  const fields = [
    field('State', `${state.slackEmoji} ${state.word}`),
    field('Severity', severityWord(n.severity)),
    ...Object.entries(n.fields).map(([key, value]) => field(key, value)),
  ];
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`${state.slackEmoji} ${n.title}`, LIMITS.header), emoji: true },
    },
  ];
  for (let i = 0; i < fields.length; i += LIMITS.fieldsPerSection) {
    blocks.push({ type: 'section', fields: fields.slice(i, i + LIMITS.fieldsPerSection) });
  }
  if (n.text.trim() !== '') blocks.push(section(n.text));
  const buttons = linkButtons(n);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  const decided = decisions ? decisionButtons(n) : [];
  if (decided.length > 0) blocks.push({ type: 'actions', elements: decided });
  blocks.push(contextLine(n));
  return { text: `${state.slackEmoji} ${state.word}: ${escapeMrkdwn(n.title)}`, blocks };
}

/**
 * One update in the incident's thread: the state, what happened, and the trace. `mention` (the
 * team's on-call, Slack syntax from teams.yaml) leads the line on escalations, so Slack notifies them.
 */
export function slackReplyMessage(
  n: Notification,
  state: StatePresentation = STATES[n.state],
  mention?: string,
): SlackContent {
  const what = n.text.trim() === '' ? n.title : n.text;
  const lead = mention ? `${mention} ` : '';
  const headline = `${lead}${state.slackEmoji} *${state.word}* — ${escapeMrkdwn(what)}`;
  const details = Object.entries(n.fields).map(([key, value]) => `*${escapeMrkdwn(key)}:* ${escapeMrkdwn(value)}`);
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(headline, LIMITS.sectionText) } },
  ];
  if (details.length > 0)
    blocks.push({ type: 'context', elements: [mrkdwn(truncate(details.join('  ·  '), LIMITS.field))] });
  blocks.push(contextLine(n));
  return { text: `${lead}${state.slackEmoji} ${state.word}: ${escapeMrkdwn(what)}`, blocks };
}

/**
 * A one-off message (`kind: message`, S5): the title, its fields, text and links, and the trace —
 * no state, no update number, no thread.
 */
export function slackPlainMessage(n: Notification, look: StatePresentation): SlackContent {
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`${look.slackEmoji} ${n.title}`.trim(), LIMITS.header), emoji: true },
    },
  ];
  const fields = Object.entries(n.fields).map(([key, value]) => field(key, value));
  for (let i = 0; i < fields.length; i += LIMITS.fieldsPerSection) {
    blocks.push({ type: 'section', fields: fields.slice(i, i + LIMITS.fieldsPerSection) });
  }
  if (n.text.trim() !== '') blocks.push(section(n.text));
  const buttons = linkButtons(n);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  blocks.push(traceLine(n));
  return { text: `${look.slackEmoji} ${escapeMrkdwn(n.title)}`.trim(), blocks };
}

/**
 * Several one-off messages of a burst for one team, as one message (the digest): a header with the
 * count, then one line per message (title and text), each message's links as buttons.
 */
export function slackDigestMessage(items: readonly Notification[], look: StatePresentation): SlackContent {
  const header = `${look.slackEmoji} ${items.length} notifications`.trim();
  const lines = items.map((n) => `• *${escapeMrkdwn(n.title)}*${n.text.trim() ? ` — ${escapeMrkdwn(n.text)}` : ''}`);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: header, emoji: true } }];
  for (const chunk of chunks(lines, LIMITS.sectionText)) blocks.push({ type: 'section', text: mrkdwn(chunk) });
  const buttons = items.flatMap((n) => linkButtons({ ...n, traceUrl: undefined })).slice(0, MAX_BUTTONS);
  if (buttons.length > 0)
    blocks.push({ type: 'actions', elements: buttons.map((b, i) => ({ ...b, action_id: `link-${i}` })) });
  return { text: `${header}: ${items.map((n) => escapeMrkdwn(n.title)).join('; ')}`, blocks };
}

/** Lines joined into texts of at most `max` characters (a single long line is cut). */
function chunks(lines: readonly string[], max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines.map((l) => truncate(l, max))) {
    if (current && current.length + 1 + line.length > max) {
      out.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(current);
  return out;
}

function traceLine(n: Notification): SlackBlock {
  const trace = n.traceId ? (n.traceUrl ? `<${n.traceUrl}|${n.traceId}>` : `\`${n.traceId}\``) : 'none';
  return { type: 'context', elements: [mrkdwn(`Trace ${trace}  ·  Ref \`${escapeMrkdwn(n.incidentKey)}\``)] };
}

function field(name: string, value: string): Mrkdwn {
  return mrkdwn(truncate(`*${escapeMrkdwn(name)}*\n${escapeMrkdwn(value)}`, LIMITS.field));
}

function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(truncate(escapeMrkdwn(text), LIMITS.sectionText)) };
}

function mrkdwn(text: string): Mrkdwn {
  return { type: 'mrkdwn', text };
}

function linkButtons(n: Notification): Button[] {
  const links = n.links.filter((link) => /^https?:\/\//i.test(link.url) && link.url.length <= LIMITS.url);
  const buttons = links.map((link, index) => button(link.title, link.url, `link-${index}`));
  const trimmed = buttons.slice(0, n.traceUrl ? MAX_BUTTONS - 1 : MAX_BUTTONS);
  if (n.traceUrl && n.traceUrl.length <= LIMITS.url) trimmed.push(button('View trace in Grafana', n.traceUrl, 'trace'));
  return trimmed;
}

function button(title: string, url: string, actionId: string): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncate(title, LIMITS.buttonText), emoji: true },
    url,
    action_id: actionId,
  };
}

function contextLine(n: Notification): SlackBlock {
  const trace = n.traceId ? (n.traceUrl ? `<${n.traceUrl}|${n.traceId}>` : `\`${n.traceId}\``) : 'none';
  const parts = [`Trace ${trace}`, `Incident \`${escapeMrkdwn(n.incidentKey)}\``, `Update #${n.sequence}`];
  return { type: 'context', elements: [mrkdwn(truncate(parts.join('  ·  '), LIMITS.field))] };
}
