import { ConfigError } from '@hub/config';
import { slackApiBase } from './channels/slack/slack.config.js';
import { loadNotifierConfig } from './notifier.config.js';

describe(loadNotifierConfig.name, () => {
  it('works with no variables: metrics on 9103, Slack and Teams to the outbox', () => {
    const config = loadNotifierConfig({});
    expect(config.HUB_METRICS_PORT).toBe(9103);
    expect(config.SLACK_TOKEN).toBeUndefined();
    expect(config.TEAMS_WEBHOOK_URL).toBeUndefined();
    expect(config.SLACK_API_URL).toBe('https://slack.com');
    expect(config.NOTIFIER_RETRY_DELAYS_MS).toEqual([1_000, 10_000, 60_000]);
  });

  it('accepts loopback URLs for the vendors and parses the retry tiers', () => {
    const config = loadNotifierConfig({
      SLACK_TOKEN: 'xoxb-1-2-3',
      SLACK_API_URL: 'http://127.0.0.1:4000',
      TEAMS_WEBHOOK_URL: 'http://127.0.0.1:4001/workflows/x',
      GRAFANA_URL: 'http://localhost:3000',
      NOTIFIER_RETRY_DELAYS_MS: '100, 200',
    });
    expect(config.SLACK_API_URL).toBe('http://127.0.0.1:4000');
    expect(config.NOTIFIER_RETRY_DELAYS_MS).toEqual([100, 200]);
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadNotifierConfig({ SLACK_TOKEN: 'nope', TEAMS_WEBHOOK_URL: 'ftp://x', NOTIFIER_RETRY_DELAYS_MS: '1,x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'NOTIFIER_RETRY_DELAYS_MS',
      'SLACK_TOKEN',
      'TEAMS_WEBHOOK_URL',
    ]);
  });
});

describe(slackApiBase.name, () => {
  it.each([
    ['https://slack.com', 'https://slack.com/api/'],
    ['https://slack.com/', 'https://slack.com/api/'],
    ['https://slack.com/api', 'https://slack.com/api/'],
    ['http://127.0.0.1:4000/api/', 'http://127.0.0.1:4000/api/'],
  ])('%s → %s', (url, base) => {
    expect(slackApiBase(url)).toBe(base);
  });
});
