import { HubError } from '@hub/contracts';

export enum RoutingErrorCode {
  InvalidRouting = 'ROUTING_CONFIG_INVALID',
}

/** One problem of the routing file: where (`routes.oncall.slack.channel`) and what. */
export interface RoutingProblem {
  readonly path: string;
  readonly problem: string;
}

/** The routing file cannot be used: start-up stops with the file, and every problem with its path. */
export class RoutingConfigError extends HubError<RoutingErrorCode.InvalidRouting> {
  readonly code = RoutingErrorCode.InvalidRouting;
  readonly retryable = false;

  constructor(
    readonly file: string,
    readonly problems: readonly RoutingProblem[],
  ) {
    super(
      `Invalid notifier routing in ${file} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.path}: ${p.problem}`).join('\n'),
      { file, problems },
    );
  }
}
