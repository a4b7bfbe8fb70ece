import { positiveIntVar, urlVar } from '@hub/config';

/** Teams' variables (`TEAMS_WEBHOOK_URL`; without it cards go to the outbox). */
export const teamsEnv = {
  TEAMS_WEBHOOK_URL: urlVar(['http', 'https']).optional(),
  TEAMS_TIMEOUT_MS: positiveIntVar.default(10_000),
};
