import { z } from 'zod';

/** A route's `slack:` in notifier.yaml: the Slack channel (name like `#platform-alerts`, or id); none = not on Slack. */
export const slackRouteSchema = z
  .strictObject({
    channel: z
      .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a channel name or id') })
      .trim()
      .min(1, { error: 'must name a channel' }),
  })
  .optional();
