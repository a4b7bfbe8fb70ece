import { defineChannel } from '../channel.js';
import { teamsEnv } from './teams.config.js';
import { DEFAULT_WEBHOOK } from './teams.route.js';
import { TeamsChannel } from './teams.channel.js';
import { buildTeamsWebhooks } from './teams-webhooks.js';

/** Teams: Workflows webhooks (`TEAMS_WEBHOOK_URL` and the teams' own), else `$HUB_DATA_DIR/outbox/teams.jsonl`. */
export const teamsSetup = defineChannel({
  name: 'teams',
  env: teamsEnv,
  build(settings, context) {
    const webhooks = buildTeamsWebhooks(
      settings.TEAMS_WEBHOOK_URL,
      context.teams,
      context.env,
      settings.TEAMS_TIMEOUT_MS,
      context.outbox('teams'),
      context.http('teams'),
    );
    return new TeamsChannel(
      webhooks,
      context.db,
      context.receipts,
      context.templates,
      DEFAULT_WEBHOOK,
      2 * settings.TEAMS_TIMEOUT_MS + 5_000,
    );
  },
});
