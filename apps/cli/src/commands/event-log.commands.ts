import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadTeams } from '@hub/config';
import { createDatabase, type EventLogQuery, queryEventLog } from '@hub/database';
import {
  checkSensorTeams,
  DryRun,
  type DryRunResult,
  formatDryRun,
  formatProblem,
  type LoadedSensor,
  loadSensors,
  parseSensorFile,
  SensorRegistry,
} from '@hub/sensor';
import { type Command } from 'commander';
import { type CommandGroup, type CommandIo } from '../command.js';
import { positiveInt, since as parseSince } from '../options.js';

interface QueryOptions {
  type?: string;
  key?: string;
  since?: Date;
  limit: number;
}

function queryOf(options: QueryOptions): EventLogQuery {
  return {
    ...(options.type ? { type: options.type } : {}),
    ...(options.key ? { key: options.key } : {}),
    ...(options.since ? { since: options.since } : {}),
    limit: options.limit,
  };
}

/** The event-log filters `hub events` and `hub replay` share. */
function filters(command: Command, sinceRequired = false): Command {
  const since = '--since <when>';
  const sinceHelp = 'an ISO time, or a duration back from now (15m, 2h, 1h30m, 7d)';
  const parse = (value: string) => parseSince(value);
  return (sinceRequired ? command.requiredOption(since, sinceHelp, parse) : command.option(since, sinceHelp, parse))
    .option('--type <type>', 'only events of this type')
    .option('--key <key>', 'only events of this correlation key')
    .option('--limit <n>', 'at most this many events', positiveInt(1_000_000), 1000);
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
  define(group, { io, action }) {
    group.addHelpText(
      'after',
      '\nReads the event log in $DATABASE_URL; prints one CloudEvent per line (JSON lines), oldest first.\nExample: hub events --type alert.firing --since 1h',
    );
    action(filters(group), (options: QueryOptions) =>
      withEventLog(io, queryOf(options), (events) => {
        for (const event of events) io.out(JSON.stringify(event));
        io.err(`${events.length} event(s)`);
        return Promise.resolve(0);
      }),
    );
  },
};

/** `hub replay`: recorded events through a sensor set, without executing anything. */
export const replayCommand: CommandGroup = {
  name: 'replay',
  summary: 're-run recorded events against sensors without acting: what would have fired',
  define(group, { io, action }) {
    group
      .option('--sensor <sensor.yaml>', 'one sensor file (default: every sensor of $HUB_CONFIG_DIR/sensors)')
      .addHelpText(
        'after',
        '\nRuns the event log’s events (in $DATABASE_URL) through the sensors in a dry run: no action,\nnotification or ticket is sent.\nExample: hub replay --since 24h --sensor config/sensors/repeated-deploy-failures.yaml',
      );
    action(filters(group, true), (options: QueryOptions & { sensor?: string }) => replay(options, io));
  },
};

async function replay(options: QueryOptions & { sensor?: string }, io: CommandIo): Promise<number> {
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
  return withEventLog(io, queryOf(options), async (events) => {
    const results: DryRunResult[] = [];
    for (const [index, event] of events.entries()) {
      if ((index + 1) % 1000 === 0) io.err(`… ${index + 1} of ${events.length} replayed`);
      results.push(await dryRun.run(event));
    }
    io.out(formatDryRun(results));
    const fired = results.flatMap((r) => r.verdicts).filter((v) => v.outcome === 'fires').length;
    io.out(`\n${events.length} recorded event(s) replayed, ${fired} firing(s) would have happened`);
    return 0;
  });
}
