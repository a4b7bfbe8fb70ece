import { resolve } from 'node:path';
import { createDatabase } from '@hub/database';
import {
  loadSchedules,
  readSchedulePositions,
  type Schedule,
  type SchedulePosition,
  schedulesDirectory,
  zonedIso,
} from '@hub/scheduler/schedules';
import { type CommandGroup, type CommandIo, UsageError } from '../command.js';

const USAGE = `Usage: hub schedules list [--config <dir>] [--count <n>] [--at <ISO time>]

  Validates every schedule of <dir>/schedules (default $HUB_CONFIG_DIR or ./config) and lists
  each with its next fire times, in its time zone and in UTC. With DATABASE_URL set and the
  database reachable, also the last fired slot (as the scheduler replicas recorded it).

  --count <n>       next fire times per schedule (default 3)
  --at <ISO time>   list as of this instant instead of now

Example: hub schedules list --config ./config --count 5`;

interface ListOptions {
  configDir: string;
  count: number;
  at: Date;
}

/** `hub schedules list`: what will fire when, and what fired last. */
export const schedulesCommand: CommandGroup = {
  name: 'schedules',
  summary: 'list schedules with their next fire times (and the last fired slot)',
  usage: USAGE,
  async run(args, io) {
    const [command, ...rest] = args;
    if (command !== 'list') throw new UsageError(command === undefined ? 'missing command' : `unknown "${command}"`);
    const options = parseOptions(rest, io);
    const schedules = await loadSchedules(schedulesDirectory(options.configDir));
    const positions = await lastPositions(io);
    io.out(render(schedules, options, positions));
    return 0;
  },
};

function parseOptions(args: readonly string[], io: CommandIo): ListOptions {
  const options: ListOptions = {
    configDir: resolve(io.cwd, io.env.HUB_CONFIG_DIR ?? './config'),
    count: 3,
    at: new Date(),
  };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (flag === '--config') options.configDir = resolve(io.cwd, value);
    else if (flag === '--count' && /^[1-9]\d{0,2}$/.test(value)) options.count = Number(value);
    else if (flag === '--at' && !Number.isNaN(Date.parse(value))) options.at = new Date(value);
    else throw new UsageError(`unknown option or bad value: ${flag} ${value}`);
  }
  return options;
}

/** The database's view, or a line saying why there is none (the listing works without it). */
async function lastPositions(io: CommandIo): Promise<Map<string, SchedulePosition> | string> {
  if (!io.env.DATABASE_URL) return 'last fired: unknown (set DATABASE_URL to read it from the database)';
  const { db } = createDatabase(io.env.DATABASE_URL, 1);
  try {
    return await readSchedulePositions(db);
  } catch (error) {
    return `last fired: unknown (database: ${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await db.destroy();
  }
}

function render(
  schedules: readonly Schedule[],
  options: ListOptions,
  positions: Map<string, SchedulePosition> | string,
): string {
  const lines = [
    `${schedules.length} schedule(s) in ${schedulesDirectory(options.configDir)}, as of ${options.at.toISOString()}`,
  ];
  for (const schedule of schedules) {
    const { catchUp, jitter, exclusionDates } = schedule.document.spec;
    const extras = [
      `catch-up ${catchUp.policy}${catchUp.policy === 'all' ? ` (max ${catchUp.max})` : ''}`,
      ...(jitter > 0 ? [`jitter ${jitter / 1_000}s`] : []),
      ...(exclusionDates.length > 0 ? [`excluded ${exclusionDates.join(', ')}`] : []),
    ];
    lines.push('', `${schedule.name}  ${schedule.describe}  ${extras.join('; ')}`);
    if (schedule.document.metadata.description) lines.push(`  ${schedule.document.metadata.description}`);
    for (const slot of schedule.upcoming(options.at, options.count)) {
      lines.push(`  next  ${zonedIso(slot, schedule.timezone)}  (${slot.toISOString()})`);
    }
    lines.push(`  ${lastFiredLine(schedule, positions)}`);
  }
  return lines.join('\n');
}

function lastFiredLine(schedule: Schedule, positions: Map<string, SchedulePosition> | string): string {
  if (typeof positions === 'string') return positions;
  const fired = positions.get(schedule.name)?.lastFired;
  if (!fired) return 'last fired: never';
  const state = fired.publishedAt ? `published ${fired.publishedAt.toISOString()}` : 'claimed, not yet published';
  return `last fired: ${zonedIso(fired.slot, schedule.timezone)}  (${fired.slot.toISOString()}; ${state})`;
}
