import { Command, CommanderError } from 'commander';
import { type CommandContext, type CommandGroup, type CommandIo, UsageError } from './command.js';
import { commandGroups } from './commands/index.js';

const processIo: CommandIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
  cwd: process.cwd(),
};

/** Exit codes of commander's own outcomes: help asked for is 0, any parse mistake is 2 (usage). */
const HELP_ASKED = new Set(['commander.helpDisplayed', 'commander.version']);

/** `hub <group> <command> [args]` on `commander`; returns the exit code. */
export async function main(
  argv: readonly string[],
  io: CommandIo = processIo,
  groups: readonly CommandGroup[] = commandGroups,
): Promise<number> {
  let code = 0;
  const context: CommandContext = {
    io,
    action: (command, run) =>
      command.action(async (...args: unknown[]) => {
        try {
          code = await (run as (...a: unknown[]) => Promise<number>)(...args);
        } catch (error) {
          const name = `hub ${commandPath(command)}`;
          if (error instanceof UsageError) {
            io.err(`${name}: ${error.message}\n\n${command.helpInformation()}`);
            code = 2;
          } else {
            io.err(`${name}: ${error instanceof Error ? error.message : String(error)}`);
            code = 1;
          }
        }
      }),
  };
  const program = new Command('hub')
    .description('The hub command line: sensors, the event log, schedules, the audit log and dead letters')
    .usage('<command> [arguments]   (hub <command> --help for its own)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(add --help for usage)')
    .helpCommand(true);
  for (const group of groups) group.define(program.command(group.name).description(group.summary), context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return HELP_ASKED.has(error.code) ? 0 : 2;
  }
  return code;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}
