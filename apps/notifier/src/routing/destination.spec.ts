import { parseTeams } from '@hub/config';
import { CallRecorder } from '@hub/recorder';
import { buildTeamsWebhooks } from '../channels/teams/teams-webhooks.js';
import { VendorHttp } from '../channels/vendor-http.js';
import { parseRouting } from './routing.config.js';
import { RoutingConfigError } from './routing.errors.js';

const teams = parseTeams(
  `defaultTeam: platform
teams:
  platform: { slack: { channel: '#platform-alerts' } }
  payments:
    slack: { channel: '#team-payments' }
    msteams: { webhookUrlEnv: TEAMS_PAYMENTS_WEBHOOK_URL }
    oncall: { slack: '<!subteam^S123>' }
  security:
    msteams: { webhookUrlEnv: TEAMS_SECURITY_WEBHOOK_URL }
`,
  'teams.yaml',
);

const routing = parseRouting(
  `routes:
  default: { slack: { channel: '#platform-alerts' } }
  oncall: { slack: { channel: '#oncall' }, teams: false }
  deploys: { team: payments, slack: { channel: '#deploys' } }
`,
  'notifier.yaml',
  teams,
);

describe('RoutingTable paging lists', () => {
  const paged = parseRouting(
    `routes:
  default: { slack: { channel: '#platform-alerts' } }
  pager: { paging: [opsgenie], teams: false }
`,
    'notifier.yaml',
    parseTeams(`defaultTeam: payments\nteams:\n  payments: { paging: [pagerduty, webhook] }\n`, 'teams.yaml'),
  );

  it("gives a team's destination the team's paging list and an escalation step's route its own", () => {
    const [team, step] = paged.destinationsOf({ route: 'pager', team: 'payments' });
    expect(team).toMatchObject({ name: 'team:payments', paging: ['pagerduty', 'webhook'] });
    expect(step).toEqual({ name: 'pager', paging: ['opsgenie'] });
    expect(paged.destinationOf({ route: 'default' })).not.toHaveProperty('paging');
  });
});

describe('RoutingTable.destinationOf', () => {
  it("sends a known team's notifications to the team's channels and on-call", () => {
    expect(routing.destinationOf({ route: 'oncall', team: 'payments' })).toEqual({
      name: 'team:payments',
      team: 'payments',
      slack: { channel: '#team-payments' },
      teams: 'TEAMS_PAYMENTS_WEBHOOK_URL',
      oncall: { slack: '<!subteam^S123>' },
    });
  });

  it('keeps the route when there is no team, and falls back to the route for an unknown team', () => {
    expect(routing.destinationOf({ route: 'oncall' })).toEqual({ name: 'oncall', slack: { channel: '#oncall' } });
    expect(routing.destinationOf({ route: 'oncall', team: 'ghosts' })).toEqual({
      name: 'oncall',
      slack: { channel: '#oncall' },
      unknown: 'team ghosts',
    });
  });

  it("lets a route name a team (its Slack channel overriding the team's), and a team without Slack stay off it", () => {
    expect(routing.destinationOf({ route: 'deploys' })).toMatchObject({
      name: 'deploys',
      team: 'payments',
      slack: { channel: '#deploys' },
      teams: 'TEAMS_PAYMENTS_WEBHOOK_URL',
    });
    expect(routing.destinationOf({ route: 'default', team: 'security' })).toEqual({
      name: 'team:security',
      team: 'security',
      teams: 'TEAMS_SECURITY_WEBHOOK_URL',
    });
  });

  it("adds a named route's channels to the team's (escalations still reach #oncall), never the default route", () => {
    expect(routing.destinationsOf({ route: 'oncall', team: 'payments' }).map((d) => d.name)).toEqual([
      'team:payments',
      'oncall',
    ]);
    expect(routing.destinationsOf({ route: 'default', team: 'payments' }).map((d) => d.name)).toEqual([
      'team:payments',
    ]);
    expect(routing.destinationsOf({ route: 'oncall' }).map((d) => d.name)).toEqual(['oncall']);
    expect(routing.destinationsOf({ route: 'nope', team: 'payments' }).map((d) => d.name)).toEqual(['team:payments']);
  });

  it('refuses a route naming a team teams.yaml does not have', () => {
    const load = () =>
      parseRouting('routes:\n  default: {}\n  x: { team: ghosts }\n  y: { team: payments }\n', 'n.yaml', teams);
    expect(load).toThrow(RoutingConfigError);
    expect(load).toThrow('routes.x.team: "ghosts" is not a team of teams.yaml');
  });

  it('refuses templates that are not plain data of the known keys', () => {
    expect(() =>
      parseRouting(
        'routes: { default: {} }\ntemplates:\n  firing: { slackEmoji: "{{ data.x }}" }\n  bogus: {}\n',
        'n.yaml',
        teams,
      ),
    ).toThrow(/templates.firing.slackEmoji: must be a Slack emoji code[\s\S]*templates.bogus: is not a field here/);
  });
});

describe(buildTeamsWebhooks.name, () => {
  const outbox = new CallRecorder('/tmp/hub-unused', 'teams');
  const http = new VendorHttp('teams');

  it('builds a webhook per team variable that is set; unset ones use the default', () => {
    const webhooks = buildTeamsWebhooks(
      undefined,
      teams,
      { TEAMS_PAYMENTS_WEBHOOK_URL: 'https://x.example/hook' },
      1000,
      outbox,
      http,
    );
    expect([...webhooks.keys()]).toEqual(['TEAMS_WEBHOOK_URL', 'TEAMS_PAYMENTS_WEBHOOK_URL']);
    expect(webhooks.get('TEAMS_WEBHOOK_URL')?.mode).toBe('outbox');
    expect(webhooks.get('TEAMS_PAYMENTS_WEBHOOK_URL')?.mode).toBe('live');
  });

  it('lists every team variable that is not an http(s) URL', () => {
    expect(() =>
      buildTeamsWebhooks(
        undefined,
        teams,
        { TEAMS_PAYMENTS_WEBHOOK_URL: 'not a url', TEAMS_SECURITY_WEBHOOK_URL: 'ftp://x' },
        1000,
        outbox,
        http,
      ),
    ).toThrow(/TEAMS_PAYMENTS_WEBHOOK_URL: must be an http\(s\) URL[\s\S]*TEAMS_SECURITY_WEBHOOK_URL/);
  });
});
