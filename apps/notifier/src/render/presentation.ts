import { type IncidentState, type NotificationRequested } from '@hub/contracts';

/** How a state looks in chat: a word, a Slack emoji code, the same as Unicode (Teams), a card colour. */
export interface StatePresentation {
  readonly word: string;
  readonly slackEmoji: string;
  readonly emoji: string;
  readonly color: 'attention' | 'warning' | 'good' | 'accent';
}

/** S1's wording: firing → remediation started → succeeded/failed → resolved (and escalated). */
export const STATES: Readonly<Record<IncidentState, StatePresentation>> = {
  firing: { word: 'Firing', slackEmoji: ':rotating_light:', emoji: '🚨', color: 'attention' },
  remediating: { word: 'Remediation started', slackEmoji: ':hammer_and_wrench:', emoji: '🛠️', color: 'accent' },
  remediated: { word: 'Remediation succeeded', slackEmoji: ':white_check_mark:', emoji: '✅', color: 'good' },
  'remediation-failed': { word: 'Remediation failed', slackEmoji: ':x:', emoji: '❌', color: 'attention' },
  escalated: { word: 'Escalated to on-call', slackEmoji: ':sos:', emoji: '🆘', color: 'attention' },
  resolved: { word: 'Resolved', slackEmoji: ':large_green_circle:', emoji: '🟢', color: 'good' },
};

const SEVERITIES: Readonly<Record<NotificationRequested['severity'], string>> = {
  info: 'Info',
  warning: 'Warning',
  critical: 'Critical',
};

export function severityWord(severity: NotificationRequested['severity']): string {
  return SEVERITIES[severity];
}

/** Cuts `text` to `max` characters (vendor limits), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
