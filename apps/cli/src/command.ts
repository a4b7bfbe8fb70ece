import { type Command } from 'commander';

/** Where a command writes; tests pass their own to read what it printed. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/**
 * One command group of `hub` (`hub sensors …`, `hub audit …`), declared on a `commander` command:
 * its sub-commands, arguments and options, from which `--help` is generated. Each action is set
 * with `context.action`, and what it resolves to is the exit code: 0 done, 1 the check failed
 * (invalid sensor, tampered audit log), 2 bad usage.
 */
export interface CommandGroup {
  readonly name: string;
  /** One line for `hub --help`. */
  readonly summary: string;
  define(group: Command, context: CommandContext): void;
}

export interface CommandContext {
  readonly io: CommandIo;
  /** Sets `command`'s action; the number it resolves to becomes hub's exit code. */
  readonly action: (command: Command, run: (...args: never[]) => Promise<number>) => Command;
}

/** A usage mistake found by an action: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
