import { configFilesError, type FileProblem, formatFileProblem } from '@hub/config';

export enum SensorErrorCode {
  InvalidSensors = 'SENSOR_INVALID_DEFINITIONS',
}

/** One thing wrong with a sensor file: where (file, document, line, path in the YAML) and what. */
export type SensorProblem = FileProblem;

/**
 * The sensor definitions do not load. Lists every problem of every file at once, and the service
 * does not start: a half-loaded set of sensors would silently skip remediations.
 */
export class InvalidSensorsError extends configFilesError(SensorErrorCode.InvalidSensors, 'sensors') {}

/** `sensors/bad.yaml:12 (document 2) spec.triggers.0.action.kind: must look like …`. */
export const formatProblem = formatFileProblem;
