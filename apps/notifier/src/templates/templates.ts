import { type IncidentState } from '@hub/contracts';
import { z } from 'zod';
import { type StatePresentation, STATES } from '../render/presentation.js';

/** What a message of `kind: message` (S5, no incident state) looks like by default. */
export const MESSAGE_LOOK: StatePresentation = {
  word: 'Notice',
  slackEmoji: ':mega:',
  emoji: '📣',
  color: 'accent',
};

const lookSchema = z.strictObject({
  word: z.string().trim().min(1, { error: 'must be a word or short phrase' }).max(60).optional(),
  slackEmoji: z
    .string()
    .regex(/^(:[a-z0-9_+-]+:)?$/, { error: 'must be a Slack emoji code like :rocket: (or empty)' })
    .optional(),
  emoji: z.string().max(16).optional(),
  color: z
    .enum(['attention', 'warning', 'good', 'accent'], { error: 'must be attention, warning, good or accent' })
    .optional(),
});

/**
 * `templates:` of notifier.yaml: per incident state and for `message`, the word, emoji and card
 * colour to show. Values are plain data (inserted as text, escaped like any other text): a template
 * can never run code or pull other fields in, so a config change cannot leak or break messages.
 */
export const templatesSchema = z.strictObject({
  firing: lookSchema.optional(),
  remediating: lookSchema.optional(),
  remediated: lookSchema.optional(),
  'remediation-failed': lookSchema.optional(),
  escalated: lookSchema.optional(),
  resolved: lookSchema.optional(),
  message: lookSchema.optional(),
});

export type TemplatesFile = z.output<typeof templatesSchema>;

/** The looks in use: the built-in ones with the file's overrides on top. */
export class Templates {
  private readonly looks: Readonly<Record<IncidentState | 'message', StatePresentation>>;

  constructor(overrides: TemplatesFile = {}) {
    const merged = { ...STATES, message: MESSAGE_LOOK } as Record<IncidentState | 'message', StatePresentation>;
    for (const [key, look] of Object.entries(overrides) as [IncidentState | 'message', Partial<StatePresentation>][]) {
      merged[key] = { ...merged[key], ...look };
    }
    this.looks = merged;
  }

  /** How a notification looks: its state's look, or the message look for one-off messages. */
  lookOf(notification: { kind: 'incident' | 'message'; state: IncidentState }): StatePresentation {
    return this.looks[notification.kind === 'message' ? 'message' : notification.state];
  }
}
