import { z } from 'zod';

const text = z.string({ error: 'must be a string' });

/**
 * What the hub's Argo CD notifications webhook template posts (docs/notifications.md has the
 * template): the application and its operation's outcome. Argo CD renders a missing value as an
 * empty string, so empty strings count as absent. Unknown fields are ignored.
 */
export const argoCdNotificationSchema = z.object({
  app: text.min(1, { error: 'must name the application ({{.app.metadata.name}})' }),
  /** `{{.app.status.operationState.phase}}`: Succeeded, Failed, Error (Running/Terminating are refused). */
  phase: z.enum(['Succeeded', 'Failed', 'Error'], { error: 'must be Succeeded, Failed or Error' }),
  revision: text.optional(),
  health: text.optional(),
  message: text.optional(),
  finishedAt: text.optional(),
  namespace: text.optional(),
  environment: text.optional(),
  team: text.optional(),
  url: text.optional(),
});

export type ArgoCdNotification = z.output<typeof argoCdNotificationSchema>;
