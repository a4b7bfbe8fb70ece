import { defineChannel } from '../channel.js';
import { type OpsgenieResponder } from './opsgenie.alert.js';
import { OpsgenieChannel } from './opsgenie.channel.js';
import { OpsgenieClient, OpsgenieOutboxClient } from './opsgenie.client.js';
import { opsgenieEnv } from './opsgenie.config.js';

/** Opsgenie: the Alert API with `OPSGENIE_API_KEY`, else `$HUB_DATA_DIR/outbox/opsgenie.jsonl`. */
export const opsgenieSetup = defineChannel({
  name: 'opsgenie',
  env: opsgenieEnv,
  build(settings, context) {
    const api = settings.OPSGENIE_API_KEY
      ? new OpsgenieClient(
          settings.OPSGENIE_API_URL,
          settings.OPSGENIE_API_KEY,
          settings.OPSGENIE_TIMEOUT_MS,
          context.http('opsgenie'),
        )
      : new OpsgenieOutboxClient(context.outbox('opsgenie'));
    const responders = (team: string | undefined): OpsgenieResponder[] => {
      if (team === undefined || !context.teams.has(team)) return [];
      return context.teams.team(team).team.opsgenie?.responders ?? [{ type: 'team', name: team }];
    };
    return new OpsgenieChannel(api, responders, context.db, context.receipts, 2 * settings.OPSGENIE_TIMEOUT_MS + 5_000);
  },
});
