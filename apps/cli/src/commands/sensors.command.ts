import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadTeams } from '@hub/config';
import { cloudEventSchema, type HubEvent } from '@hub/contracts';
import {
  checkSensorTeams,
  DryRun,
  type DryRunResult,
  formatDryRun,
  formatProblem,
  InvalidSensorsError,
  loadSensors,
  parseSensorFile,
  SensorRegistry,
} from '@hub/sensor';
import { type CommandGroup, type CommandIo } from '../command.js';

interface Flags {
  config?: string;
  all?: boolean;
}

/** `hub sensors …`: validate sensor files and dry-run them against example events. */
export const sensorsCommand: CommandGroup = {
  name: 'sensors',
  summary: 'validate sensor files; dry-run a sensor against events (which triggers fire, and why not)',
  define(group, { io, action }) {
    const config = ['--config <dir>', 'where teams.yaml is (default: the parent of the sensors directory)'] as const;
    action(
      group
        .command('validate')
        .description('check every sensor file of <dir>')
        .argument('[dir]', 'the sensors directory (default $HUB_CONFIG_DIR/sensors)')
        .option(...config),
      (dir: string | undefined, flags: Flags) => validate(dir, flags, io),
    );
    action(
      group
        .command('test')
        .description('dry run: which triggers fire with which parameters, and why others do not')
        .argument('<sensor.yaml>', 'the sensor file')
        .argument('<events.jsonl>', 'CloudEvents, one per line')
        .option(...config)
        .option('--all', 'also list sensors that do not depend on an event’s type')
        .addHelpText(
          'after',
          '\nExample:\n  hub sensors test config/sensors/slo-remediation.yaml examples/events/slo-remediation.jsonl',
        ),
      (sensorFile: string, eventsFile: string, flags: Flags) => test(sensorFile, eventsFile, flags, io),
    );
  },
};

async function validate(dir: string | undefined, flags: Flags, io: CommandIo): Promise<number> {
  const directory = resolve(io.cwd, dir ?? `${io.env.HUB_CONFIG_DIR ?? 'config'}/sensors`);
  try {
    const loaded = await loadSensors(directory);
    checkSensorTeams(directory, loaded, await loadTeams(flags.config ?? dirname(directory)));
    io.out(`${loaded.length} sensor(s) valid in ${directory}:`);
    for (const { sensor, file } of loaded) io.out(`  ${sensor.metadata.name}  (${file})`);
    return 0;
  } catch (error) {
    if (!(error instanceof InvalidSensorsError)) throw error;
    io.err(error.message);
    return 1;
  }
}

async function test(sensorPath: string, eventsPath: string, flags: Flags, io: CommandIo): Promise<number> {
  const [sensorFile, eventsFile] = [resolve(io.cwd, sensorPath), resolve(io.cwd, eventsPath)];
  const { sensors, problems } = parseSensorFile(sensorFile, await readFile(sensorFile, 'utf8'));
  if (problems.length > 0) {
    io.err(`${sensorFile} is not valid:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    return 1;
  }
  const teams = await loadTeams(flags.config ?? dirname(dirname(sensorFile)));
  checkSensorTeams(sensorFile, sensors, teams);
  const events = parseEvents(eventsFile, await readFile(eventsFile, 'utf8'));
  const dryRun = new DryRun(new SensorRegistry(sensors, { forceDryRun: true, teams }));
  const results: DryRunResult[] = [];
  for (const event of events) results.push(await dryRun.run(event));
  io.out(formatDryRun(results, flags.all));
  const fired = results.flatMap((r) => r.verdicts).filter((v) => v.outcome === 'fires').length;
  io.out(`\n${events.length} event(s), ${fired} firing(s)`);
  return 0;
}

/** JSON lines of CloudEvents envelopes; a bad line is an error naming its line number. */
export function parseEvents(file: string, text: string): HubEvent[] {
  const events: HubEvent[] = [];
  const problems: string[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      problems.push(`line ${index + 1}: not JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = cloudEventSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'} ${i.message}`);
      problems.push(`line ${index + 1}: not a CloudEvent: ${issues.join('; ')}`);
      continue;
    }
    events.push({ ...parsed.data, time: parsed.data.time ?? new Date().toISOString() } as HubEvent);
  }
  if (problems.length > 0) throw new Error(`${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return events;
}
