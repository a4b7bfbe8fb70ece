import { configFilesError, type FileProblem } from '@hub/config';

export enum RoutingErrorCode {
  InvalidRouting = 'ROUTING_CONFIG_INVALID',
}

/** One problem of the routing file: where (line, `routes.oncall.slack.channel`) and what. */
export type RoutingProblem = FileProblem;

/** The routing file cannot be used: start-up stops with the file, and every problem with its line and path. */
export class RoutingConfigError extends configFilesError(RoutingErrorCode.InvalidRouting, 'notifier routing') {}
