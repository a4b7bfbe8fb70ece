import { hubError } from '@hub/contracts';

export enum MatchingErrorCode {
  PlanFailed = 'SENSOR_PLAN_FAILED',
}

/** One template of a sensor that could not be filled from an event: which one, and why. */
export interface PlanProblem {
  /** Where the template is in the sensor (`spec.triggers.0.action.target`). */
  readonly field: string;
  readonly message: string;
}

/**
 * A matching event lacks values the sensor's templates need. Reported on that event (logged with
 * the sensor, the event id and every problem, counted in a metric); retrying cannot help.
 */
export class SensorPlanError extends hubError(MatchingErrorCode.PlanFailed, { retryable: false }) {
  constructor(
    readonly sensor: string,
    readonly eventId: string,
    readonly problems: readonly PlanProblem[],
  ) {
    super(
      `sensor ${sensor} cannot act on event ${eventId}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      { sensor, eventId, problems },
    );
  }
}
