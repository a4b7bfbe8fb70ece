import { configFilesError } from './yaml-files.js';

/** One bad environment variable: its name and what is wrong with it. */
export interface ConfigProblem {
  readonly variable: string;
  readonly problem: string;
}

/** Start-up failure that lists every missing or malformed variable at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n'),
    );
  }
}

export enum ConfigErrorCode {
  InvalidTeams = 'CONFIG_INVALID_TEAMS',
}

/** A bad teams file: every problem with its line and path. */
export class TeamsConfigError extends configFilesError(ConfigErrorCode.InvalidTeams, 'teams') {}
