/** Where a command writes; tests pass their own to read what it printed. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/**
 * One command group of `hub` (`hub sensors …`, `hub audit …`). `run` gets the words after the
 * group's name and returns the exit code: 0 done, 1 the check failed (invalid sensor, tampered
 * audit log), 2 bad usage.
 */
export interface CommandGroup {
  readonly name: string;
  /** One line for `hub --help`. */
  readonly summary: string;
  /** The group's own help: its sub-commands, their arguments and an example. */
  readonly usage: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/** A usage mistake: printed with the group's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
