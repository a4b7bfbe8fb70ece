import { ConfigError, type ConfigProblem } from '@hub/config';
import { defineChannel } from '../channel.js';
import { WebhookClient, WebhookOutboxClient, type WebhookSender } from './webhook.client.js';
import { ALL_WEBHOOKS, WebhookChannel } from './webhook.channel.js';
import { isHttpUrl, webhookEnv } from './webhook.config.js';

/**
 * Outbound webhooks: `WEBHOOK_URLS` (else the outbox) and each team's `webhook.urlEnv` that is set,
 * all signed with `WEBHOOK_SECRET`. Start-up stops, listing every problem, on a URL without a
 * secret or a team variable that is not an http(s) URL.
 */
export const webhookSetup = defineChannel({
  name: 'webhook',
  env: webhookEnv,
  build(settings, context) {
    const http = context.http('webhook');
    const problems: ConfigProblem[] = [];
    const secret = settings.WEBHOOK_SECRET ?? '';
    const live = (url: string): WebhookSender => new WebhookClient(url, secret, settings.WEBHOOK_TIMEOUT_MS, http);
    const all = new Map<string, WebhookSender>(
      settings.WEBHOOK_URLS.length > 0
        ? settings.WEBHOOK_URLS.map((url, i) => [`${ALL_WEBHOOKS}[${i}]`, live(url)])
        : [[ALL_WEBHOOKS, new WebhookOutboxClient(context.outbox('webhook'))]],
    );
    const teamHooks = new Map<string, readonly [string, WebhookSender]>();
    for (const name of context.teams.names) {
      const variable = context.teams.team(name).team.webhook?.urlEnv;
      const value = variable ? context.env[variable] : undefined;
      if (!variable || value === undefined || value === '') continue;
      if (!isHttpUrl(value)) problems.push({ variable, problem: `must be an http(s) URL (webhook of team ${name})` });
      else teamHooks.set(name, [variable, live(value)]);
    }
    if ((settings.WEBHOOK_URLS.length > 0 || teamHooks.size > 0) && !settings.WEBHOOK_SECRET) {
      problems.push({ variable: 'WEBHOOK_SECRET', problem: 'is required when a webhook URL is set (signatures)' });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return new WebhookChannel(all, teamHooks, context.db, context.receipts, 2 * settings.WEBHOOK_TIMEOUT_MS + 5_000);
  },
});
