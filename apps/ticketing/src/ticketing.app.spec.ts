import { TeamsConfigError } from '@hub/config';
import { teamsDir } from './__tests__/ticketing.harness.js';
import { createTicketingApp } from './ticketing.app.js';
import { loadTicketingConfig } from './ticketing.config.js';

const JIRA = { JIRA_HOST: 'http://127.0.0.1:9', JIRA_EMAIL: 'hub@example.com', JIRA_API_TOKEN: 'token' };

async function startupError(teamsYaml: string, env: Record<string, string> = JIRA): Promise<TeamsConfigError> {
  const dir = await teamsDir(teamsYaml);
  const error = await createTicketingApp(loadTicketingConfig({ ...env, HUB_CONFIG_DIR: dir }), { logger: false }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TeamsConfigError);
  return error as TeamsConfigError;
}

describe(createTicketingApp.name, () => {
  it('refuses to start when the default team has no JIRA project and JIRA is the provider', async () => {
    const error = await startupError(`defaultTeam: platform
teams:
  platform: { slack: { channel: '#p' } }
`);
    expect(error.problems).toEqual([
      {
        file: expect.stringContaining('teams.yaml'),
        path: 'teams.platform.jira',
        message: 'is required: tickets of teams without a JIRA project go to the default team',
      },
    ]);
  });

  it('lists every problem of a bad teams file in one error', async () => {
    const error = await startupError(`defaultTeam: nobody
teams:
  security: { jira: { project: sec, issueType: '' } }
`);
    expect(error.message).toContain('teams.yaml');
    expect(error.problems.map((p) => p.path).sort()).toEqual([
      'defaultTeam',
      'teams.security.jira.issueType',
      'teams.security.jira.project',
    ]);
  });
});
