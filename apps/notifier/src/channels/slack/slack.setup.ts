import { ThreadStore } from '../../threads/thread.store.js';
import { defineChannel } from '../channel.js';
import { slackEnv } from './slack.config.js';
import { SlackOutboxClient } from './slack-outbox.client.js';
import { SlackWebClient } from './slack-web.client.js';
import { SlackChannel } from './slack.channel.js';

/** Slack: the Web API with `SLACK_TOKEN`, else `$HUB_DATA_DIR/outbox/slack.jsonl`. */
export const slackSetup = defineChannel({
  name: 'slack',
  env: slackEnv,
  build(settings, context) {
    const api = settings.SLACK_TOKEN
      ? new SlackWebClient({
          token: settings.SLACK_TOKEN,
          apiUrl: settings.SLACK_API_URL,
          timeoutMs: settings.SLACK_TIMEOUT_MS,
          retries: settings.SLACK_RETRIES,
          maxRateLimitWaitMs: settings.SLACK_MAX_RATE_LIMIT_WAIT_MS,
          http: context.http('slack'),
        })
      : new SlackOutboxClient(context.outbox('slack'));
    return new SlackChannel(
      api,
      new ThreadStore(context.db, context.lockWaitMs),
      context.db,
      context.receipts,
      context.templates,
      {
        holdMs: context.replyHoldMs,
        holdAttempts: context.retryDelaysMs.length - 1,
        retryAfterMs: context.retryDelaysMs[0] ?? 0,
        claimLeaseMs: 2 * settings.SLACK_TIMEOUT_MS + 5_000,
      },
      settings.SLACK_INTERACTIVE,
    );
  },
});
