import { type Provider, type Type } from '@nestjs/common';
import { type GatewayConfig, loadTeams } from '@hub/config';
import { SlackInteractionsController } from '../webhooks/slack/slack-interactions.controller.js';
import { SlackSignature } from '../webhooks/slack/slack.signature.js';
import { AlertmanagerSilences } from './alertmanager-silences.js';
import { ApprovalsController } from './approvals.controller.js';
import { DecisionAuthority } from './decision-authority.js';
import { DecisionPublisher } from './decision.publisher.js';
import { PeopleDatabase } from './people.database.js';
import { SilencesController } from './silences.controller.js';

/**
 * People in the loop, for `GatewayModule`: Slack's interactivity route, silences, approvals. Their
 * own small pool (`DATABASE_URL`), the teams of `$HUB_CONFIG_DIR/teams.yaml` (who may decide), and
 * the gateway's publisher for `decision.made`.
 */
export function peopleRoutes(config: GatewayConfig): { controllers: Type[]; providers: Provider[] } {
  return {
    controllers: [SlackInteractionsController, SilencesController, ApprovalsController],
    providers: [
      { provide: PeopleDatabase, useFactory: () => new PeopleDatabase(config.DATABASE_URL) },
      {
        provide: DecisionAuthority,
        useFactory: async (database: PeopleDatabase) =>
          new DecisionAuthority(database.db, await loadTeams(config.HUB_CONFIG_DIR)),
        inject: [PeopleDatabase],
      },
      { provide: SlackSignature, useFactory: () => new SlackSignature(config.SLACK_SIGNING_SECRET ?? []) },
      { provide: AlertmanagerSilences, useFactory: () => new AlertmanagerSilences(config.ALERTMANAGER_URL) },
      DecisionPublisher,
    ],
  };
}
