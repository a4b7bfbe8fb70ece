import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TeamsConfigError } from './config.errors.js';
import { loadTeams, parseTeams } from './teams.config.js';

describe('teams.yaml', () => {
  it('loads the shipped file and finds the owner of an event, or the default team', async () => {
    const teams = await loadTeams(join(import.meta.dirname, '../../../config'));
    expect(teams.names).toEqual(expect.arrayContaining(['platform', 'security', 'payments']));
    expect(teams.ownerOf({ data: { labels: { team: 'payments' } } })).toMatchObject({ name: 'payments', via: 'event' });
    expect(teams.ownerOf({ data: { owner: 'group:default/security' } }).name).toBe('security');
    expect(teams.ownerOf({ data: { labels: { team: 'ghosts' } } })).toMatchObject({
      name: 'platform',
      via: 'default',
      unknown: 'ghosts',
    });
    expect(teams.ownerOf({ data: {} })).toMatchObject({ name: 'platform', via: 'default' });
    expect(teams.team('security').team.jira?.project).toBe('SEC');
    expect(teams.unknownTeams(['security', 'nope'])).toEqual(['nope']);
  });

  it('says who may act for a team or a group: members only when listed, nobody for an unknown name', () => {
    const teams = parseTeams(
      'defaultTeam: platform\ngroups: { sre-leads: [carol] }\nteams:\n  platform: {}\n  payments: { members: [alice, bob] }\n',
      'teams.yaml',
    );
    expect(teams.refusesMember('payments', 'alice')).toBeUndefined();
    expect(teams.refusesMember('payments', 'mallory')).toBe('user "mallory" is not a member of team "payments"');
    expect(teams.refusesMember('payments', undefined, 'requestedBy')).toBe(
      'requestedBy is required: team "payments" lists its members',
    );
    expect(teams.refusesMember('platform', 'anyone')).toBeUndefined();
    expect(teams.refusesMember('sre-leads', 'carol')).toBeUndefined();
    expect(teams.refusesMember('sre-leads', 'alice')).toBe('user "alice" is not a member of group "sre-leads"');
    expect(teams.refusesMember('ghosts', 'alice')).toBe('"ghosts" is neither a team nor a group of teams.yaml');
  });

  it('takes address lists for email and reports, and names each address that is not one', () => {
    const teams = parseTeams(
      "defaultTeam: a\nteams:\n  a:\n    email: [ops@example.com, 'Ops on-call <oncall@ops.example.com>']\n    stakeholders: [cfo@example.com]\n",
      'teams.yaml',
    );
    expect(teams.team('a').team.email).toEqual(['ops@example.com', 'Ops on-call <oncall@ops.example.com>']);
    expect(teams.team('a').team.stakeholders).toEqual(['cfo@example.com']);
    let error: unknown;
    try {
      parseTeams(
        "defaultTeam: a\nteams:\n  a:\n    email: [ops@example.com, not-an-address, 'x <y@z.example']\n    stakeholders: []\n  b: { email: ops@example.com }\n  c: { stakeholders: [cfo@example.com] }\n",
        'teams.yaml',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TeamsConfigError);
    expect((error as TeamsConfigError).problems.map((p) => p.path)).toEqual([
      'teams.a.email.1',
      'teams.a.email.2',
      'teams.a.stakeholders',
      'teams.b.email',
      'teams.c.stakeholders',
    ]);
  });

  it('lists every problem with its path', () => {
    const file = `
defaultTeam: nobody
owner: ['not a path!']
teams:
  Bad_Name: {}
  ok:
    jira: { project: lower }
    slak: { channel: '#x' }
`;
    let error: unknown;
    try {
      parseTeams(file, 'teams.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TeamsConfigError);
    const paths = (error as TeamsConfigError).problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['owner.0', 'teams.Bad_Name', 'teams.ok.jira.project', 'teams.ok.slak']),
    );
    expect((error as TeamsConfigError).message).toContain('teams.yaml');
  });

  it('gives one built-in team without a file, and names the line of a YAML syntax error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'teams-'));
    expect((await loadTeams(dir)).names).toEqual(['platform']);
    await writeFile(join(dir, 'teams.yaml'), 'teams: [\n');
    await expect(loadTeams(dir)).rejects.toThrow(/teams\.yaml:\d+ \(yaml\)/);
  });
});
