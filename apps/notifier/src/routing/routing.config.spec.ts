import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRouting, parseRouting } from './routing.config.js';
import { RoutingConfigError } from './routing.errors.js';

function problemsOf(text: string): { line?: number; path: string; problem: string }[] {
  try {
    parseRouting(text, '/etc/hub/notifier.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(RoutingConfigError);
    expect((error as RoutingConfigError).message).toContain('/etc/hub/notifier.yaml');
    return (error as RoutingConfigError).problems.map(({ line, path, message }) => ({
      ...(line === undefined ? {} : { line }),
      path,
      problem: message,
    }));
  }
  throw new Error('expected the routing to be rejected');
}

describe(parseRouting.name, () => {
  it('reads routes to Slack channels and Teams, Teams on by default', () => {
    const routing = parseRouting(
      `routes:
  default: { slack: { channel: "#platform-alerts" } }
  oncall: { slack: { channel: "#oncall" }, teams: false }
  teams-only: { teams: true }
`,
      'notifier.yaml',
    );
    expect(routing.resolve('default').route).toEqual({ slack: { channel: '#platform-alerts' }, teams: true });
    expect(routing.resolve('oncall')).toEqual({
      name: 'oncall',
      route: { slack: { channel: '#oncall' }, teams: false },
    });
    expect(routing.resolve('teams-only').route).toEqual({ teams: true });
    expect(routing.source).toEqual({ kind: 'file', file: 'notifier.yaml' });
  });

  it('sends an unknown route to the default route, saying which route was unknown', () => {
    const routing = parseRouting('routes:\n  default: { slack: { channel: "#a" } }\n', 'notifier.yaml');
    expect(routing.resolve('payments-team')).toEqual({
      name: 'default',
      route: { slack: { channel: '#a' }, teams: true },
      unknown: 'payments-team',
    });
  });

  it('lists every problem with its path', () => {
    const problems = problemsOf(`routes:
  oncall:
    slack: { chanel: "#oncall" }
    teams: "yes"
  "bad name": {}
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        { line: 3, path: 'routes.oncall.slack.chanel', problem: 'is not a field here' },
        { line: 3, path: 'routes.oncall.slack.channel', problem: 'is required' },
        { line: 4, path: 'routes.oncall.teams', problem: 'must be true or false' },
        { line: 5, path: 'routes.bad name', problem: 'route names are letters, digits, _ . -' },
        { line: 2, path: 'routes', problem: 'must define the "default" route' },
      ]),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('routes:\n  default: { slack: { channel: "#a" }\n  x: [')[0]).toEqual({
      line: expect.any(Number),
      path: '(yaml)',
      problem: expect.any(String),
    });
  });

  it('rejects an empty file and unknown top-level keys', () => {
    expect(problemsOf('')).toEqual([{ path: '(document)', problem: 'holds no routing' }]);
    expect(problemsOf('routes: { default: {} }\nroute: {}\n')).toEqual([
      { line: 2, path: 'route', problem: 'is not a field here' },
    ]);
  });
});

describe(loadRouting.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-routing-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses the built-in routing (#hub-alerts) when there is no file', async () => {
    const routing = await loadRouting(dir, 'notifier.yaml');
    expect(routing.source).toEqual({ kind: 'built-in' });
    expect(routing.resolve('oncall')).toMatchObject({ name: 'default', route: { slack: { channel: '#hub-alerts' } } });
  });

  it('stops with the file name when the file is bad', async () => {
    await writeFile(join(dir, 'notifier.yaml'), 'routes: {}\n');
    await expect(loadRouting(dir, 'notifier.yaml')).rejects.toThrow(
      `Invalid notifier routing in ${join(dir, 'notifier.yaml')} (1 problem):\n  - ${join(dir, 'notifier.yaml')}:1 routes: must define the "default" route`,
    );
  });

  it('accepts the default file shipped in config/', async () => {
    const routing = await loadRouting(new URL('../../../../config', import.meta.url).pathname, 'notifier.yaml');
    expect(routing.source.kind).toBe('file');
    expect(Object.keys(routing.routes)).toEqual(['default', 'oncall']);
  });
});
