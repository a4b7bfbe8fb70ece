import { join } from 'node:path';
import { z } from 'zod';
import { BUILT_IN_TEAMS, type FileProblem, loadYamlFile, parseYamlFile, TeamDirectory } from '@hub/config';
import { slackRouteSchema } from '../channels/slack/slack.route.js';
import { DEFAULT_WEBHOOK, teamsRouteSchema } from '../channels/teams/teams.route.js';
import { Templates, templatesSchema } from '../templates/templates.js';
import { type DigestSettings } from '../notifications/digest.buffer.js';
import { type Destination } from '../notification.js';
import { RoutingConfigError } from './routing.errors.js';

const ROUTE_NAME = /^[A-Za-z0-9_.-]+$/;

const routeSchema = z.strictObject({
  /** The Slack channel of the route; no `slack` = not on Slack. */
  slack: slackRouteSchema,
  /** Whether the Teams webhook gets this route's notifications. */
  teams: teamsRouteSchema,
  /**
   * A team of teams.yaml: the route goes to that team's Slack channel (unless `slack` names one)
   * and Teams webhook, and escalations on it mention the team's on-call.
   */
  team: z.string({ error: 'must be a team name' }).min(1).optional(),
});

/**
 * `$HUB_CONFIG_DIR/notifier.yaml`: route name → where notifications of that route go. Objects are
 * strict, so a misspelt key is an error rather than a silently ignored setting.
 */
export const routingFileSchema = z.strictObject({
  routes: z.record(z.string(), routeSchema).superRefine(
    (routes, ctx) => {
      for (const name of Object.keys(routes)) {
        if (!ROUTE_NAME.test(name)) {
          ctx.addIssue({ code: 'custom', path: [name], message: 'route names are letters, digits, _ . -' });
        }
      }
      if (!Object.hasOwn(routes, 'default'))
        ctx.addIssue({ code: 'custom', message: 'must define the "default" route' });
    },
    // Also when a route has problems, so one run lists them all.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  ),
  templates: templatesSchema.optional(),
  /**
   * One-off messages (`kind: message`) to one destination within `windowMs` of each other go out as
   * one message. Off (0) by default: a digest delays every message by the window.
   */
  digest: z
    .strictObject({
      windowMs: z.number({ error: 'must be milliseconds' }).int().min(0).max(60_000).default(0),
      maxMessages: z.number({ error: 'must be a number' }).int().min(2).max(50).default(20),
    })
    .default({ windowMs: 0, maxMessages: 20 }),
});

export type Route = z.output<typeof routeSchema>;
export type RoutingFile = z.output<typeof routingFileSchema>;

/** Where the routing came from: a file, or the built-in default when there is none. */
export type RoutingSource = { kind: 'file'; file: string } | { kind: 'built-in' };

/** Used when the routing file does not exist: everything to `#hub-alerts` and Teams. */
export const BUILT_IN_ROUTING: RoutingFile = {
  routes: { default: { slack: { channel: '#hub-alerts' }, teams: true } },
  digest: { windowMs: 0, maxMessages: 20 },
};

/** A resolved route: its name, its settings, and whether the asked-for name was unknown. */
export interface ResolvedRoute {
  readonly name: string;
  readonly route: Route;
  /** Set when the notification named a route the file does not have (the default route is used). */
  readonly unknown?: string;
}

/** The teams directory used when the caller has none (the built-in single team). */
const BUILT_IN_DIRECTORY = new TeamDirectory(BUILT_IN_TEAMS, '(built-in)');

/** The validated routing, asked per notification. */
export class RoutingTable {
  constructor(
    readonly routes: RoutingFile['routes'],
    readonly source: RoutingSource,
    readonly teams: TeamDirectory = BUILT_IN_DIRECTORY,
    readonly templates: Templates = new Templates(),
    readonly digest: DigestSettings = { windowMs: 0, maxMessages: 20 },
  ) {}

  /**
   * Every destination of a notification. With a known `team`: the team's channels, and — when the
   * route is not `default` (`oncall` on escalation) — that route's channels as well, so a central
   * on-call channel keeps getting escalations while the team's thread gets them with the mention.
   * Without a team (or with an unknown one): the route's channels only.
   */
  destinationsOf(notification: { route: string; team?: string }): Destination[] {
    const primary = this.destinationOf(notification);
    if (primary.team === undefined || primary.name !== `team:${notification.team}`) return [primary];
    if (notification.route === 'default' || !Object.hasOwn(this.routes, notification.route)) return [primary];
    return [primary, this.destinationOf({ route: notification.route })];
  }

  /**
   * Where a notification goes first: its owner team's channels when it names a known team (the
   * sensor sets `team`), else its route's. A route with `team:` takes that team's channels too. An
   * unknown team or route falls back (route, then `default`), flagged in `unknown` for a warning.
   */
  destinationOf(notification: { route: string; team?: string }): Destination {
    const { team } = notification;
    if (team !== undefined && this.teams.has(team)) return this.teamDestination(`team:${team}`, team, { teams: true });
    const resolved = this.resolve(notification.route);
    const unknown = team !== undefined ? `team ${team}` : resolved.unknown;
    const base = resolved.route.team
      ? this.teamDestination(resolved.name, resolved.route.team, resolved.route)
      : {
          name: resolved.name,
          ...(resolved.route.slack ? { slack: resolved.route.slack } : {}),
          ...(resolved.route.teams ? { teams: DEFAULT_WEBHOOK } : {}),
        };
    return unknown === undefined ? base : { ...base, unknown };
  }

  private teamDestination(name: string, teamName: string, route: Partial<Route>): Destination {
    const { team } = this.teams.team(teamName);
    const slack = route.slack ?? team.slack;
    return {
      name,
      team: teamName,
      ...(slack ? { slack } : {}),
      ...(route.teams !== false ? { teams: team.msteams?.webhookUrlEnv ?? DEFAULT_WEBHOOK } : {}),
      ...(team.oncall ? { oncall: team.oncall } : {}),
    };
  }

  /** The named route, or the default route (flagged `unknown`) when there is no such route. */
  resolve(name: string): ResolvedRoute {
    const route = this.routes[name];
    if (route) return { name, route };
    return { name: 'default', route: this.routes.default!, unknown: name };
  }
}

/**
 * Parses and validates routing YAML; every problem is reported with its line and path in one
 * error. A route naming a team that `teams` does not have is one of them.
 */
export function parseRouting(text: string, file: string, teams: TeamDirectory = BUILT_IN_DIRECTORY): RoutingTable {
  return routingTableOf(file, parseYamlFile(file, text, routingFileSchema, 'routing'), teams);
}

/** Reads `<configDir>/<fileName>`; a missing file gives the built-in routing, a bad one throws. */
export async function loadRouting(
  configDir: string,
  fileName: string,
  teams: TeamDirectory = BUILT_IN_DIRECTORY,
): Promise<RoutingTable> {
  const file = join(configDir, fileName);
  const loaded = await loadYamlFile(file, routingFileSchema, 'routing');
  if (loaded.missing) return new RoutingTable(BUILT_IN_ROUTING.routes, { kind: 'built-in' }, teams);
  return routingTableOf(file, loaded, teams);
}

function routingTableOf(
  file: string,
  { value, problems }: { value?: RoutingFile; problems: FileProblem[] },
  teams: TeamDirectory,
): RoutingTable {
  if (!value) throw new RoutingConfigError(file, problems);
  const unknownTeams = Object.entries(value.routes).flatMap(([name, route]) =>
    route.team !== undefined && !teams.has(route.team)
      ? [{ file, path: `routes.${name}.team`, message: `"${route.team}" is not a team of ${teams.source}` }]
      : [],
  );
  if (unknownTeams.length > 0) throw new RoutingConfigError(file, unknownTeams);
  const { routes, templates, digest } = value;
  return new RoutingTable(routes, { kind: 'file', file }, teams, new Templates(templates), digest);
}
