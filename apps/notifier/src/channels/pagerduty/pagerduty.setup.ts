import { ConfigError, type ConfigProblem } from '@hub/config';
import { defineChannel } from '../channel.js';
import { PagerDutyEventsClient, PagerDutyOutboxClient } from './pagerduty.client.js';
import { type PagerDutyTarget, PagerDutyChannel } from './pagerduty.channel.js';
import { DEFAULT_ROUTING_KEY, pagerDutyEnv, ROUTING_KEY, ROUTING_KEY_PROBLEM } from './pagerduty.config.js';

/**
 * PagerDuty: `PAGERDUTY_ROUTING_KEY` and each team's `pagerduty.routingKeyEnv` that is set (a team
 * whose variable is unset uses the default key); with no key at all, events go to the outbox. A
 * team variable that is not a routing key stops the start, every such variable listed.
 */
export const pagerDutySetup = defineChannel({
  name: 'pagerduty',
  env: pagerDutyEnv,
  build(settings, context) {
    const http = context.http('pagerduty');
    const live = (routingKey: string): PagerDutyTarget => ({
      routingKey,
      events: new PagerDutyEventsClient(settings.PAGERDUTY_EVENTS_URL, settings.PAGERDUTY_TIMEOUT_MS, http),
    });
    const targets = new Map<string, PagerDutyTarget>([
      [
        DEFAULT_ROUTING_KEY,
        settings.PAGERDUTY_ROUTING_KEY
          ? live(settings.PAGERDUTY_ROUTING_KEY)
          : { events: new PagerDutyOutboxClient(context.outbox('pagerduty')) },
      ],
    ]);
    const teamKeys = new Map<string, string>();
    const problems: ConfigProblem[] = [];
    for (const name of context.teams.names) {
      const variable = context.teams.team(name).team.pagerduty?.routingKeyEnv;
      const value = variable ? context.env[variable] : undefined;
      if (!variable || value === undefined || value === '') continue;
      if (!ROUTING_KEY.test(value)) {
        problems.push({ variable, problem: `${ROUTING_KEY_PROBLEM} (PagerDuty key of team ${name})` });
        continue;
      }
      teamKeys.set(name, variable);
      if (!targets.has(variable)) targets.set(variable, live(value));
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return new PagerDutyChannel(
      targets,
      teamKeys,
      context.db,
      context.receipts,
      2 * settings.PAGERDUTY_TIMEOUT_MS + 5_000,
    );
  },
});
