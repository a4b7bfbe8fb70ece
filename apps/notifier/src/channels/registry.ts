import { ConfigError, type ConfigProblem } from '@hub/config';
import { type Channel, type ChannelContext } from './channel.js';
import { emailSetup } from './email/email.setup.js';
import { opsgenieSetup } from './opsgenie/opsgenie.setup.js';
import { pagerDutySetup } from './pagerduty/pagerduty.setup.js';
import { slackSetup } from './slack/slack.setup.js';
import { teamsSetup } from './teams/teams.setup.js';
import { webhookSetup } from './webhook/webhook.setup.js';

/** Every channel the notifier can deliver to, in delivery order: a new channel is its folder and one line here. */
const SETUPS = [
  slackSetup, //
  teamsSetup,
  emailSetup,
  pagerDutySetup,
  opsgenieSetup,
  webhookSetup,
] as const;

type Setup = (typeof SETUPS)[number];
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The channels' variables, merged into the notifier's environment schema. */
export const channelEnv = Object.assign({}, ...SETUPS.map((setup) => setup.env)) as UnionToIntersection<Setup['env']>;

/** What every channel's `build` takes: all of their settings (each reads its own). */
export type ChannelSettings = UnionToIntersection<Parameters<Setup['build']>[0]>;

/** The channels a `paging:` list (teams.yaml, notifier.yaml routes) may name. */
export const PAGING_CHANNELS: readonly string[] = ['pagerduty', 'opsgenie', 'webhook'].filter((name) =>
  SETUPS.some((setup) => setup.name === name),
);

/** Every `paging:` entry that names no paging channel, with where it is. */
export function pagingProblems(lists: readonly { where: string; paging?: readonly string[] }[]): ConfigProblem[] {
  return lists.flatMap(({ where, paging }) =>
    (paging ?? [])
      .filter((name) => !PAGING_CHANNELS.includes(name))
      .map((name) => ({
        variable: where,
        problem: `"${name}" is not a paging channel (${PAGING_CHANNELS.join(', ')})`,
      })),
  );
}

/**
 * Builds every channel; the settings problems of all of them — and `paging` entries naming no paging
 * channel — in one `ConfigError`.
 */
export function buildChannels(
  settings: ChannelSettings,
  context: ChannelContext,
  paging: readonly { where: string; paging?: readonly string[] }[] = [],
): Channel[] {
  const channels: Channel[] = [];
  const problems: ConfigProblem[] = pagingProblems(paging);
  for (const setup of SETUPS) {
    try {
      channels.push(setup.build(settings, context));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return channels;
}
