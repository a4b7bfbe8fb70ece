import { HubError } from '@hub/contracts';

export enum SensorErrorCode {
  InvalidSensors = 'SENSOR_INVALID_DEFINITIONS',
}

/** One thing wrong with a sensor file: where (file, document, line, path in the YAML) and what. */
export interface SensorProblem {
  readonly file: string;
  /** 1-based index of the YAML document, for files that hold several (`---`). */
  readonly document?: number;
  readonly line?: number;
  /** Dotted path inside the document (`spec.triggers.0.action.kind`), `(document)` for the whole. */
  readonly path: string;
  readonly message: string;
}

/**
 * The sensor definitions do not load. Lists every problem of every file at once, and the service
 * does not start: a half-loaded set of sensors would silently skip remediations.
 */
export class InvalidSensorsError extends HubError<SensorErrorCode.InvalidSensors> {
  readonly code = SensorErrorCode.InvalidSensors;
  readonly retryable = false;

  constructor(
    readonly directory: string,
    readonly problems: readonly SensorProblem[],
  ) {
    super(
      `Invalid sensors in ${directory} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
      { directory, problems },
    );
  }
}

/** `sensors/bad.yaml:12 (document 2) spec.triggers.0.action.kind: must look like …`. */
export function formatProblem(problem: SensorProblem): string {
  const line = problem.line === undefined ? '' : `:${problem.line}`;
  const document = problem.document === undefined ? '' : ` (document ${problem.document})`;
  return `${problem.file}${line}${document} ${problem.path}: ${problem.message}`;
}
