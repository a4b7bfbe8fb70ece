import { type ActionResult, createEvent, type HubEvent, HubIssuer, nameBasedUuid } from '@hub/contracts';
import { type ActionRun } from '@hub/database';

/** `source` of the events this service publishes. */
export const EXECUTOR_SOURCE = '/hub/remediation-executor';

/** RFC 4122 namespace of result event ids (a fixed, random UUID). */
const RESULT_ID_NAMESPACE = '5b8f0c3e9a6d4e2fa1c47d0e3b9a2f61';

/**
 * The id of an action's result event: a name-based UUID (version 5) of the action id, the same
 * every time. A result re-published after a redelivery is the same event, so consumers that are
 * idempotent on the event id (the sensor) take it once.
 */
export function resultEventId(actionId: string): string {
  return nameBasedUuid(RESULT_ID_NAMESPACE, actionId);
}

/**
 * `action.succeeded` / `action.failed` for a finished run, with the request's `incidentkey` and
 * `correlationid` (the run's recorded incident key when the request has none).
 */
export function resultEventOf(
  run: ActionRun,
  request: Pick<HubEvent, 'incidentkey' | 'correlationid'>,
): HubEvent<ActionResult> {
  const data: ActionResult = {
    actionId: run.action_id,
    kind: run.kind,
    target: run.target,
    attempts: run.attempts,
    durationMs: run.duration_ms ?? 0,
    dryRun: run.dry_run,
    ...(run.reason ? { reason: run.reason } : {}),
    details: run.details,
  };
  return createEvent({
    id: resultEventId(run.action_id),
    type: run.status === 'succeeded' ? 'action.succeeded' : 'action.failed',
    source: EXECUTOR_SOURCE,
    hubsource: HubIssuer.executor,
    subject: run.target,
    time: (run.finished_at ?? new Date()).toISOString(),
    data,
    incidentkey: request.incidentkey ?? run.incident_key ?? undefined,
    correlationid: request.correlationid,
  });
}
