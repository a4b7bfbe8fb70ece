import { z } from 'zod';

/** The Teams webhook of `TEAMS_WEBHOOK_URL` (a team's own webhook is named by its variable). */
export const DEFAULT_WEBHOOK = 'TEAMS_WEBHOOK_URL';

/** A route's `teams:` in notifier.yaml: whether the Teams webhook gets its notifications. */
export const teamsRouteSchema = z.boolean({ error: 'must be true or false' }).default(true);
