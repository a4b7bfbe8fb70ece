import { join } from 'node:path';
import { z } from 'zod';
import { TeamsConfigError } from './config.errors.js';
import { loadYamlFile, parseYamlFile } from './yaml-files.js';

const TEAM_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const OWNER_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_/-]+|\[["'][^"']+["']\])*$/;

/** `ops@example.com` or `Platform on-call <ops@example.com>` (what an SMTP server takes as a recipient). */
const EMAIL_ADDRESS =
  /^(?:[^<>@,;"]*<)?[^\s<>@,;"]+@[A-Za-z0-9](?:[-A-Za-z0-9]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[-A-Za-z0-9]*[A-Za-z0-9])?)+>?$/;

const emailList = (what: string) =>
  z
    .array(
      z
        .string({ error: 'must be an email address' })
        .trim()
        .refine((value) => EMAIL_ADDRESS.test(value) && value.includes('<') === value.endsWith('>'), {
          error: 'must be an email address like ops@example.com or "Ops <ops@example.com>"',
        }),
      { error: `must be a list of email addresses (${what})` },
    )
    .min(1, { error: `must list at least one address (${what}); leave it out for none` });

const text = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, { error: `must be ${what}` });

const teamSchema = z.strictObject({
  description: z.string().optional(),
  /** The team's Slack channel (name like `#payments` or id). */
  slack: z.strictObject({ channel: text('a channel name or id') }).optional(),
  /** The environment variable holding the team's Teams webhook URL (a URL is a secret, so not in the file). */
  msteams: z
    .strictObject({ webhookUrlEnv: z.string().regex(ENV_NAME, { error: 'must be an environment variable name' }) })
    .optional(),
  jira: z
    .strictObject({
      project: z.string().regex(/^[A-Z][A-Z0-9_]{0,9}$/, { error: 'must be a JIRA project key like PLAT' }),
      issueType: text('an issue type name').default('Task'),
      components: z.array(text('a component name')).default([]),
    })
    .optional(),
  servicenow: z
    .strictObject({
      assignmentGroup: text('an assignment group name or sys_id'),
      category: z.string().optional(),
    })
    .optional(),
  /** The team's group in the cluster's identity provider (RBAC subject of S3 RoleBindings); default the team name. */
  group: text('a group name').optional(),
  /** Who belongs to the team (user names); when set, only they may request provisioning for it (S3). */
  members: z.array(text('a user name')).optional(),
  /**
   * The paging channels of the team's escalations (`pagerduty`, `opsgenie`, `webhook`; the notifier
   * checks the names). Absent: PagerDuty when `PAGERDUTY_ROUTING_KEY` (or `pagerduty.routingKeyEnv`)
   * is set; `[]` pages nobody.
   */
  paging: z.array(text('a paging channel name')).optional(),
  /** The variable with the team's own PagerDuty Events v2 routing key (default `PAGERDUTY_ROUTING_KEY`). */
  pagerduty: z
    .strictObject({ routingKeyEnv: z.string().regex(ENV_NAME, { error: 'must be an environment variable name' }) })
    .optional(),
  /** Opsgenie responders of the team's alerts (`{ type: team, name: Payments }`; default the team by its name). */
  opsgenie: z
    .strictObject({
      responders: z
        .array(
          z.strictObject({
            type: z.enum(['team', 'user', 'escalation', 'schedule'], {
              error: 'must be team, user, escalation or schedule',
            }),
            name: text('a responder name (user: the e-mail address)'),
          }),
        )
        .min(1, { error: 'must name at least one responder' }),
    })
    .optional(),
  /** The variable with a URL the team's notifications are also POSTed to (outbound webhook, signed). */
  webhook: z
    .strictObject({ urlEnv: z.string().regex(ENV_NAME, { error: 'must be an environment variable name' }) })
    .optional(),
  /** The team's email addresses: its incidents (one thread each) and messages by email. */
  email: emailList("the team's address list").optional(),
  /** Who gets the team's reports by email instead of `email` (`audience: stakeholders`: the S7 monthly cost report). */
  stakeholders: emailList("the team's report readers").optional(),
  /** Who is paged on escalation: a Slack mention (`<!subteam^S123>` or `@group`) and/or a Teams mention. */
  oncall: z.strictObject({ slack: z.string().min(1).optional(), msteams: z.string().min(1).optional() }).optional(),
});

/**
 * `$HUB_CONFIG_DIR/teams.yaml`: who owns what, and where each team is reached. The notifier, the
 * ticketing service and the sensors read it; a name that is not here is a load error wherever it is used.
 */
export const teamsFileSchema = z
  .strictObject({
    /** The team of an event whose owner cannot be found (or names no known team). */
    defaultTeam: z.string().regex(TEAM_NAME, { error: 'must be a team name' }),
    /** Where an event names its owner team, tried in order (dot paths into the event envelope). */
    owner: z
      .array(z.string().regex(OWNER_PATH, { error: 'must be a dot path like data.labels.team' }))
      .default(['data.labels.team', 'data.owner', 'data.team']),
    /** Named groups of people beyond teams (approvers of a gate, `approval.approvers`): name → user names. */
    groups: z
      .record(z.string().regex(TEAM_NAME, { error: 'must be a group name' }), z.array(text('a user name')))
      .default({}),
    teams: z.record(z.string(), teamSchema).superRefine(
      (teams, ctx) => {
        for (const [name, team] of Object.entries(teams) as [string, Partial<Team> | undefined][]) {
          if (!TEAM_NAME.test(name)) {
            ctx.addIssue({ code: 'custom', path: [name], message: 'team names are lower-case letters, digits and -' });
          }
          if (team?.stakeholders && !team.email) {
            ctx.addIssue({
              code: 'custom',
              path: [name, 'stakeholders'],
              message: "needs the team's own `email` list too (a team is on email when it has one)",
            });
          }
        }
      }, // Also when a team has problems, so one run lists them all.
      { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
    ),
  })
  .superRefine((file, ctx) => {
    if (file.teams && !Object.hasOwn(file.teams, file.defaultTeam)) {
      ctx.addIssue({ code: 'custom', path: ['defaultTeam'], message: `"${file.defaultTeam}" is not in teams` });
    }
  });

export type Team = z.output<typeof teamSchema>;
export type TeamsFile = z.output<typeof teamsFileSchema>;

/** A resolved owner: the team's name and settings, and why it was chosen. */
export interface ResolvedTeam {
  readonly name: string;
  readonly team: Team;
  /** `event` when the event named the team, `default` when the default team was used. */
  readonly via: 'event' | 'default' | 'named';
  /** The team the event named that is not configured (the default team was used instead). */
  readonly unknown?: string;
}

/** The validated teams, asked per event. */
export class TeamDirectory {
  private readonly ownerPaths: readonly (readonly string[])[];

  constructor(
    readonly file: TeamsFile,
    readonly source: string,
  ) {
    this.ownerPaths = file.owner.map(splitPath);
  }

  get names(): readonly string[] {
    return Object.keys(this.file.teams);
  }

  has(name: string): boolean {
    return Object.hasOwn(this.file.teams, name);
  }

  /** The named team; unknown names fall back to the default team, flagged. */
  team(name: string | undefined): ResolvedTeam {
    if (name !== undefined && this.has(name)) return { name, team: this.file.teams[name]!, via: 'named' };
    return { ...this.defaultTeam(), ...(name !== undefined ? { unknown: name } : {}) };
  }

  /** The owner of an event (CloudEvents envelope): the first owner path with a known team, else the default. */
  ownerOf(event: unknown): ResolvedTeam {
    let unknown: string | undefined;
    for (const path of this.ownerPaths) {
      const value = valueAt(event, path);
      if (typeof value !== 'string' || value === '') continue;
      const name = value.replace(/^group:(?:default\/)?/, ''); // Backstage owner refs: group:default/payments
      if (this.has(name)) return { name, team: this.file.teams[name]!, via: 'event' };
      unknown ??= value;
    }
    return { ...this.defaultTeam(), ...(unknown !== undefined ? { unknown } : {}) };
  }

  /**
   * Whether `user` may act for `teamOrGroup` (provisioning requests, Slack clicks, approvals): a
   * reason when not, undefined when they may. A team with no `members` list admits anyone (the
   * hub does not know its people); a group (`groups:`) admits its members only; a name that is
   * neither admits nobody.
   */
  refusesMember(teamOrGroup: string, user: string | undefined, role = 'user'): string | undefined {
    const group = Object.hasOwn(this.file.groups, teamOrGroup) ? this.file.groups[teamOrGroup] : undefined;
    const members = group ?? (this.has(teamOrGroup) ? this.file.teams[teamOrGroup]?.members : undefined);
    const what = group ? 'group' : 'team';
    if (!group && !this.has(teamOrGroup)) return `"${teamOrGroup}" is neither a team nor a group of ${this.source}`;
    if (!members) return undefined;
    if (!user) return `${role} is required: ${what} "${teamOrGroup}" lists its members`;
    return members.includes(user) ? undefined : `${role} "${user}" is not a member of ${what} "${teamOrGroup}"`;
  }

  /** Every name in `names` that is not a team (for load errors of files that name teams). */
  unknownTeams(names: Iterable<string>): string[] {
    return [...names].filter((name) => !this.has(name));
  }

  private defaultTeam(): ResolvedTeam {
    const name = this.file.defaultTeam;
    return { name, team: this.file.teams[name]!, via: 'default' };
  }
}

/** Used when `teams.yaml` does not exist: one `platform` team that owns everything. */
export const BUILT_IN_TEAMS: TeamsFile = {
  defaultTeam: 'platform',
  owner: ['data.labels.team', 'data.owner', 'data.team'],
  groups: {},
  teams: {
    platform: { slack: { channel: '#hub-alerts' }, jira: { project: 'OPS', issueType: 'Task', components: [] } },
  },
};

/** Parses and validates teams YAML; every problem is reported with its line and path in one error. */
export function parseTeams(text: string, file: string): TeamDirectory {
  const { value, problems } = parseYamlFile(file, text, teamsFileSchema, 'teams');
  if (!value) throw new TeamsConfigError(file, problems);
  return new TeamDirectory(value, file);
}

/** Reads `<configDir>/teams.yaml`; a missing file gives the built-in single team, a bad one throws. */
export async function loadTeams(configDir: string, fileName = 'teams.yaml'): Promise<TeamDirectory> {
  const file = join(configDir, fileName);
  const { value, problems, missing } = await loadYamlFile(file, teamsFileSchema, 'teams');
  if (missing) return new TeamDirectory(BUILT_IN_TEAMS, '(built-in)');
  if (!value) throw new TeamsConfigError(file, problems);
  return new TeamDirectory(value, file);
}

function splitPath(path: string): string[] {
  const parts: string[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[["']([^"']+)["']\]/g)) parts.push(match[1] ?? match[2]!);
  return parts;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
