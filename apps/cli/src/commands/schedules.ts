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
import { type CommandGroup, type CommandIo } from '../command.js';
import { isoTime, positiveInt } from '../options.js';

interface ListOptions {
  configDir: string;
  count: number;
  at: Date;
}

/** `hub schedules list`: what will fire when, and what fired last. */
export const schedulesCommand: CommandGroup = {
  name: 'schedules',
  summary: 'list schedules with their next fire times (and the last fired slot)',
  define(group, { io, action }) {
    action(
      group
        .command('list')
        .description(
          'Validates every schedule of <dir>/schedules and lists each with its next fire times, in its time zone and in UTC. With DATABASE_URL set and the database reachable, also the last fired slot.',
        )
        .option('--config <dir>', 'the configuration directory (default $HUB_CONFIG_DIR or ./config)')
        .option('--count <n>', 'next fire times per schedule', positiveInt(999), 3)
        .option('--at <ISO time>', 'list as of this instant instead of now', isoTime)
        .addHelpText('after', '\nExample: hub schedules list --config ./config --count 5'),
      async (flags: { config?: string; count: number; at?: Date }) => {
        const options: ListOptions = {
          configDir: resolve(io.cwd, flags.config ?? io.env.HUB_CONFIG_DIR ?? './config'),
          count: flags.count,
          at: flags.at ?? new Date(),
        };
        const schedules = await loadSchedules(schedulesDirectory(options.configDir));
        const positions = await lastPositions(io);
        io.out(render(schedules, options, positions));
        return 0;
      },
    );
  },
};

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
