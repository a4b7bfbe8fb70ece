import { type Team } from '@hub/config';

/**
 * Where one notification goes, resolved from its `team` or `route`: the Slack channel, the Teams
 * webhook (by the name of its variable: `TEAMS_WEBHOOK_URL` or a team's `msteams.webhookUrlEnv`),
 * and whom to mention on escalation.
 */
export interface Destination {
  /** The route name, or `team:<name>` when the notification's team chose the channels. */
  readonly name: string;
  /** The team whose channels these are (teams.yaml). */
  readonly team?: string;
  readonly slack?: { readonly channel: string };
  /** The variable naming the Teams webhook; absent = not on Teams. */
  readonly teams?: string;
  /** The team's on-call mentions (teams.yaml `oncall`). */
  readonly oncall?: Team['oncall'];
  /** The team or route the notification named that does not exist (a fallback was used). */
  readonly unknown?: string;
}
