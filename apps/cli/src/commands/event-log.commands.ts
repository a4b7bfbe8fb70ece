import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadTeams } from '@hub/config';
import { createDatabase, type EventLogQuery, queryEventLog } from '@hub/database';
import {
  checkSensorTeams,
  DryRun,
  formatDryRun,
  formatProblem,
  type LoadedSensor,
  loadSensors,
  parseSensorFile,
  SensorRegistry,
} from '@hub/sensor';
import { type CommandGroup, type CommandIo, UsageError } from '../command.js';

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since`: an ISO time, or a duration back from now (`15m`, `2h`, `7d`). */
export function parseSince(value: string, now = Date.now()): Date {
  const relative = DURATION.exec(value);
  if (relative) return new Date(now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]);
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new UsageError(`--since "${value}" is not an ISO time or a duration back (15m, 2h, 7d)`);
  return new Date(at);
}

type Options = Record<string, string>;

function parseOptions(args: readonly string[], allowed: readonly string[]): Options {
  const options: Options = {};
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.replace(/^--/, '');
    if (!args[i]!.startsWith('--') || !allowed.includes(name)) throw new UsageError(`unexpected argument ${args[i]}`);
    const value = args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    options[name] = value;
  }
  return options;
}

function queryOf(options: Options): EventLogQuery {
  const limit = options.limit === undefined ? 1000 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
  return {
    ...(options.type ? { type: options.type } : {}),
    ...(options.key ? { key: options.key } : {}),
    ...(options.since ? { since: parseSince(options.since) } : {}),
    limit,
  };
}

async function withEventLog<T>(
  io: CommandIo,
  query: EventLogQuery,
  use: (events: Awaited<ReturnType<typeof queryEventLog>>) => Promise<T>,
) {
  const { db } = createDatabase(io.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  try {
    return await use(await queryEventLog(db, query));
  } finally {
    await db.destroy();
  }
}

/** `hub events`: what the event log recorded (reads `DATABASE_URL`). */
export const eventsCommand: CommandGroup = {
  name: 'events',
  summary: 'list recorded events (the event log), by type, key and time',
  usage: `Usage: hub events [--type <type>] [--key <correlation key>] [--since <ISO time | 15m | 2h | 7d>] [--limit <n>]
Reads the event log in $DATABASE_URL; prints one CloudEvent per line (JSON lines), oldest first.
Example: hub events --type alert.firing --since 1h`,
  async run(args, io) {
    const query = queryOf(parseOptions(args, ['type', 'key', 'since', 'limit']));
    return withEventLog(io, query, (events) => {
      for (const event of events) io.out(JSON.stringify(event));
      io.err(`${events.length} event(s)`);
      return Promise.resolve(0);
    });
  },
};

/** `hub replay`: recorded events through a sensor set, without executing anything. */
export const replayCommand: CommandGroup = {
  name: 'replay',
  summary: 're-run recorded events against sensors without acting: what would have fired',
  usage: `Usage: hub replay --since <ISO time | 2h | 7d> [--sensor <sensor.yaml>] [--type <type>] [--key <key>] [--limit <n>]
Runs the event log's events (in $DATABASE_URL) through the sensors of --sensor, or of
$HUB_CONFIG_DIR/sensors, in a dry run: no action, notification or ticket is sent.
Example: hub replay --since 24h --sensor config/sensors/repeated-deploy-failures.yaml`,
  async run(args, io) {
    const options = parseOptions(args, ['since', 'sensor', 'type', 'key', 'limit']);
    if (!options.since) throw new UsageError('--since is required');
    const configDir = resolve(io.cwd, io.env.HUB_CONFIG_DIR ?? 'config');
    let loaded: LoadedSensor[];
    if (options.sensor) {
      const file = resolve(io.cwd, options.sensor);
      const { sensors, problems } = parseSensorFile(file, await readFile(file, 'utf8'));
      if (problems.length > 0) {
        io.err(`${file} is not valid:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
        return 1;
      }
      loaded = sensors;
    } else {
      loaded = await loadSensors(join(configDir, 'sensors'));
    }
    const teams = await loadTeams(configDir);
    checkSensorTeams(configDir, loaded, teams);
    const dryRun = new DryRun(new SensorRegistry(loaded, { forceDryRun: true, teams }));
    return withEventLog(io, queryOf(options), (events) => {
      const results = events.map((event) => dryRun.run(event));
      io.out(formatDryRun(results));
      const fired = results.flatMap((r) => r.verdicts).filter((v) => v.outcome === 'fires').length;
      io.out(`\n${events.length} recorded event(s) replayed, ${fired} firing(s) would have happened`);
      return Promise.resolve(0);
    });
  },
};
