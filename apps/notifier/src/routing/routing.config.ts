import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { RoutingConfigError } from './routing.errors.js';

const ROUTE_NAME = /^[A-Za-z0-9_.-]+$/;

const routeSchema = z.strictObject({
  /** The Slack channel (name like `#platform-alerts`, or id) of the route; no `slack` = not on Slack. */
  slack: z
    .strictObject({
      channel: z
        .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a channel name or id') })
        .trim()
        .min(1, { error: 'must name a channel' }),
    })
    .optional(),
  /** Whether the Teams webhook gets this route's notifications. */
  teams: z.boolean({ error: 'must be true or false' }).default(true),
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
});

export type Route = z.output<typeof routeSchema>;
export type RoutingFile = z.output<typeof routingFileSchema>;

/** Where the routing came from: a file, or the built-in default when there is none. */
export type RoutingSource = { kind: 'file'; file: string } | { kind: 'built-in' };

/** Used when the routing file does not exist: everything to `#hub-alerts` and Teams. */
export const BUILT_IN_ROUTING: RoutingFile = {
  routes: { default: { slack: { channel: '#hub-alerts' }, teams: true } },
};

/** A resolved route: its name, its settings, and whether the asked-for name was unknown. */
export interface ResolvedRoute {
  readonly name: string;
  readonly route: Route;
  /** Set when the notification named a route the file does not have (the default route is used). */
  readonly unknown?: string;
}

/** The validated routing, asked per notification. */
export class RoutingTable {
  constructor(
    readonly routes: RoutingFile['routes'],
    readonly source: RoutingSource,
  ) {}

  /** The named route, or the default route (flagged `unknown`) when there is no such route. */
  resolve(name: string): ResolvedRoute {
    const route = this.routes[name];
    if (route) return { name, route };
    return { name: 'default', route: this.routes.default!, unknown: name };
  }
}

/** Parses and validates routing YAML; every problem is reported with its path in one error. */
export function parseRouting(text: string, file: string): RoutingTable {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new RoutingConfigError(
      file,
      document.errors.map((error) => {
        const at = error.linePos?.[0];
        return {
          path: at ? `line ${at.line}, column ${at.col}` : '(yaml)',
          problem: error.message.split('\n')[0] ?? error.code,
        };
      }),
    );
  }
  const result = routingFileSchema.safeParse(document.toJS() ?? {});
  if (!result.success) {
    throw new RoutingConfigError(
      file,
      result.error.issues.map((issue) => ({
        path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(file)',
        problem: issue.message,
      })),
    );
  }
  return new RoutingTable(result.data.routes, { kind: 'file', file });
}

/** Reads `<configDir>/<fileName>`; a missing file gives the built-in routing, a bad one throws. */
export async function loadRouting(configDir: string, fileName: string): Promise<RoutingTable> {
  const file = join(configDir, fileName);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return new RoutingTable(BUILT_IN_ROUTING.routes, { kind: 'built-in' });
    }
    throw new RoutingConfigError(file, [{ path: '(file)', problem: `cannot be read: ${(error as Error).message}` }]);
  }
  return parseRouting(text, file);
}
