import { type CommandGroup, type CommandIo, UsageError } from './command.js';
import { commandGroups } from './commands/index.js';

const processIo: CommandIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
  cwd: process.cwd(),
};

/** `hub <group> <command> [args]`; returns the exit code. */
export async function main(
  argv: readonly string[],
  io: CommandIo = processIo,
  groups: readonly CommandGroup[] = commandGroups,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview(groups));
    return name === undefined ? 2 : 0;
  }
  const group = groups.find((candidate) => candidate.name === name);
  if (!group) {
    io.err(`hub: unknown command "${name}"\n\n${overview(groups)}`);
    return 2;
  }
  if (rest[0] === '--help' || rest[0] === '-h') {
    io.out(group.usage);
    return 0;
  }
  try {
    return await group.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`hub ${group.name}: ${error.message}\n\n${group.usage}`);
      return 2;
    }
    io.err(`hub ${group.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function overview(groups: readonly CommandGroup[]): string {
  const width = Math.max(8, ...groups.map((group) => group.name.length));
  const lines = groups.map((group) => `  ${group.name.padEnd(width)}  ${group.summary}`);
  return ['Usage: hub <command> [arguments]   (hub <command> --help for its own)', '', 'Commands:', ...lines].join(
    '\n',
  );
}
