import { ConfigError } from '@hub/config';
import { loadTicketingConfig, providerKind } from './ticketing.config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadTicketingConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.problem}`);
  }
  return [];
}

describe(loadTicketingConfig.name, () => {
  it('works with no variables: the outbox, metrics on 9104, a 24 h reopen window', () => {
    const config = loadTicketingConfig({});
    expect(providerKind(config)).toBe('outbox');
    expect(config.HUB_METRICS_PORT).toBe(9104);
    expect(config.TICKETING_REOPEN_WINDOW_MS).toBe(86_400_000);
    expect(config.JIRA_WONTFIX_RESOLUTIONS).toEqual(["Won't Fix", "Won't Do", 'Declined', 'Duplicate']);
  });

  it('picks JIRA Cloud, JIRA Data Center (v2 + PAT) or ServiceNow from what is set', () => {
    const cloud = { JIRA_HOST: 'https://acme.atlassian.net', JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't' };
    expect(providerKind(loadTicketingConfig(cloud))).toBe('jira');
    expect(
      loadTicketingConfig({ JIRA_HOST: 'http://127.0.0.1:8080', JIRA_API_VERSION: '2', JIRA_PAT: 'p' }).JIRA_PAT,
    ).toBe('p');
    const sn = { SERVICENOW_URL: 'https://acme.service-now.com', SERVICENOW_TOKEN: 'x' };
    expect(providerKind(loadTicketingConfig(sn))).toBe('servicenow');
    expect(providerKind(loadTicketingConfig({ ...cloud, ...sn, TICKETING_PROVIDER: 'servicenow' }))).toBe('servicenow');
  });

  it('lists every bad variable and every missing companion in one error', () => {
    expect(
      problemsOf({
        JIRA_HOST: 'not a url',
        JIRA_API_VERSION: '4',
        SERVICENOW_URL: 'https://acme.service-now.com',
        TICKETING_REOPEN_WINDOW_MS: 'soon',
        TICKETING_RETRY_DELAYS_MS: '1,x',
      }).sort(),
    ).toEqual([
      'JIRA_API_TOKEN: is required with JIRA_HOST (JIRA Cloud)',
      'JIRA_API_VERSION: must be 3 (Cloud) or 2 (Data Center / Server)',
      'JIRA_EMAIL: is required with JIRA_HOST (JIRA Cloud)',
      'JIRA_HOST: must be a URL (http:// or https://…)',
      'SERVICENOW_USER: SERVICENOW_USER and SERVICENOW_PASSWORD (or SERVICENOW_TOKEN) are required with SERVICENOW_URL',
      'TICKETING_PROVIDER: must be jira or servicenow when both JIRA_HOST and SERVICENOW_URL are set',
      'TICKETING_REOPEN_WINDOW_MS: must be a number of milliseconds',
      'TICKETING_RETRY_DELAYS_MS: must be comma-separated positive whole milliseconds',
    ]);
  });

  it('reads retention as a duration that must outlive the reopen window', () => {
    expect(loadTicketingConfig({ TICKETING_RETENTION: '200d12h' }).TICKETING_RETENTION).toBe(200.5 * 86_400_000);
    expect(loadTicketingConfig({}).TICKETING_RETENTION).toBe(180 * 86_400_000);
    expect(loadTicketingConfig({ TICKETING_RETENTION: String(200 * 86_400_000) }).TICKETING_RETENTION).toBe(
      200 * 86_400_000,
    );
    expect(problemsOf({ TICKETING_RETENTION: 'forever', HUB_PROCESSED_RETENTION: '0' })).toEqual([
      'HUB_PROCESSED_RETENTION: must be a duration like 30s, 15m, 2h, 1h30m or 7d (a bare number is milliseconds), over 0',
      'TICKETING_RETENTION: must be a duration like 30s, 15m, 2h, 1h30m or 7d (a bare number is milliseconds), over 0',
    ]);
    expect(problemsOf({ TICKETING_RETENTION: '12h' })).toEqual([
      'TICKETING_RETENTION: must be longer than TICKETING_REOPEN_WINDOW_MS (a resolved ticket must outlive its reopen window)',
    ]);
  });

  it('asks for the PAT of a v2 server and for the host of a chosen provider', () => {
    expect(problemsOf({ JIRA_HOST: 'http://jira.local', JIRA_API_VERSION: '2' })).toEqual([
      'JIRA_PAT: is required with JIRA_API_VERSION=2 (or JIRA_EMAIL + JIRA_API_TOKEN)',
    ]);
    expect(problemsOf({ TICKETING_PROVIDER: 'jira' })).toEqual(['JIRA_HOST: is required with TICKETING_PROVIDER=jira']);
  });
});
