import { Logger } from '@nestjs/common';
import { ConfigError, type Env, type TeamDirectory } from '@hub/config';
import { type CallRecorder } from '@hub/recorder';
import { type VendorHttp } from '../vendor-http.js';
import { DEFAULT_WEBHOOK } from './teams.route.js';
import { type TeamsWebhook, TeamsOutboxClient, TeamsWebhookClient } from './teams-webhook.client.js';

/**
 * The Teams webhooks by variable name: `TEAMS_WEBHOOK_URL` (live, or the outbox when unset) and each
 * team's `msteams.webhookUrlEnv` that is set. A team whose variable is unset falls back to the default
 * webhook (warned at start-up); one set to something other than an http(s) URL stops the start,
 * every such variable listed.
 */
export function buildTeamsWebhooks(
  defaultUrl: string | undefined,
  teams: TeamDirectory,
  env: Env,
  timeoutMs: number,
  outbox: CallRecorder,
  http: VendorHttp,
): Map<string, TeamsWebhook> {
  const logger = new Logger('TeamsWebhooks');
  const webhooks = new Map<string, TeamsWebhook>([
    [DEFAULT_WEBHOOK, defaultUrl ? new TeamsWebhookClient(defaultUrl, timeoutMs, http) : new TeamsOutboxClient(outbox)],
  ]);
  const problems: { variable: string; problem: string }[] = [];
  for (const name of teams.names) {
    const variable = teams.team(name).team.msteams?.webhookUrlEnv;
    if (!variable || webhooks.has(variable)) continue;
    const value = env[variable];
    if (value === undefined || value === '') {
      logger.warn({ msg: `team ${name}: ${variable} is not set, its Teams cards go to the default webhook`, variable });
      continue;
    }
    if (!isHttpUrl(value)) {
      problems.push({ variable, problem: `must be an http(s) URL (Teams webhook of team ${name})` });
      continue;
    }
    webhooks.set(variable, new TeamsWebhookClient(value, timeoutMs, http));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return webhooks;
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
