import { type ActionResult, type HubEvent, type IncidentState } from '@hub/contracts';
import { type SuccessPlan } from '../../matching/success-plan.js';
import { describeAction, notificationOf, ticketOf } from '../incident-events.js';
import { resultMessageOf } from '../result-messages.js';
import { type IncidentRow } from '../sensor-database.js';
import { escalate } from './escalate.js';
import { type Machine, transition } from './machine.js';
import { remediate } from './remediate.js';
import { close } from './resolve.js';

export interface ResultOf {
  readonly result: ActionResult;
  readonly succeeded: boolean;
  /** The `action.succeeded` / `action.failed` event. */
  readonly event: HubEvent;
  /** Renders the remediation trigger's `onSuccess` for the incident and result (none: nothing more). */
  readonly planSuccess?: (incident: IncidentRow, result: ActionResult) => SuccessPlan | undefined;
}

/**
 * remediating → remediated (then the trigger's `onSuccess`: team messages from the result,
 * resolved), or → remediation-failed, then a retry (`retry.attempts`) or escalated. The result of
 * an escalation's diagnostics is noted on the incident instead.
 */
export async function onActionResult(m: Machine, options: ResultOf): Promise<HubEvent[]> {
  const { result, succeeded, event, planSuccess = () => undefined } = options;
  const { incidents } = m.stores;
  const found = await incidents.findByAction(result.actionId);
  if (!found) {
    const escalated = await incidents.findByDiagnostics(result.actionId);
    if (escalated) return noteDiagnostics(m, escalated, options);
    m.logger.warn({ msg: 'result of an unknown action ignored', actionId: result.actionId, eventId: event.id });
    return [];
  }
  await incidents.lockKey(found.key);
  const incident = await incidents.lockById(found.id);
  if (incident.action_id !== result.actionId || incident.status !== 'remediating') {
    m.logger.warn({
      msg: 'late action result ignored',
      actionId: result.actionId,
      incidentId: incident.id,
      status: incident.status,
    });
    return [];
  }
  const detail = { eventId: event.id, actionId: result.actionId, attempts: result.attempts, reason: result.reason };
  const fields = { attempts: String(result.attempts), durationMs: String(Math.round(result.durationMs)) };
  const what = describeAction(incident.context.action);
  if (succeeded) {
    const remediated = await transition(m, {
      incident,
      to: 'remediated',
      detail,
      changes: { remediated_at: m.now },
    });
    const notified = notificationOf(remediated, 'remediated', `remediation succeeded: ${what}`, {
      severity: 'info',
      fields,
    });
    return [notified, ...(await onSuccess(m, remediated, planSuccess(remediated, result), event))];
  }
  const reason = result.reason ?? 'no reason given';
  const failed = await transition(m, { incident, to: 'remediation-failed', detail });
  const failure = notificationOf(failed, 'remediation-failed', `remediation failed: ${what} — ${reason}`, {
    fields: { ...fields, reason },
  });
  const action = incident.context.action;
  const attempt = incident.context.attempt ?? 1;
  if (action && attempt < (action.attempts ?? 1)) {
    // The trigger's retry policy: request the action again (a new action id) before escalating.
    return [failure, ...(await remediate(m, { incident: failed, action, attempt: attempt + 1 }))];
  }
  return [
    failure,
    ...(await escalate(m, { incident: failed, reason: `remediation failed: ${reason}`, eventId: event.id })),
  ];
}

/**
 * The result of the escalation's `kubernetes.diagnostics`: its summary (or why it failed) as a
 * reply in the incident's thread, a comment on its ticket, and a timeline entry. Once per action.
 */
async function noteDiagnostics(
  m: Machine,
  found: IncidentRow,
  { result, succeeded, event }: ResultOf,
): Promise<HubEvent[]> {
  const { incidents } = m.stores;
  await incidents.lockKey(found.key);
  const incident = await incidents.lockById(found.id);
  if (await incidents.hasDiagnostics(incident.id, result.actionId)) return [];
  const collected = (result.details as { summary?: unknown } | undefined)?.summary;
  const summary = succeeded
    ? typeof collected === 'string' && collected !== ''
      ? collected
      : 'diagnostics collected'
    : `diagnostics could not be collected: ${result.reason ?? 'no reason given'}`;
  // The same state, one sequence on: the reply follows the escalation in the thread, the timeline shows it.
  const state = incident.status as IncidentState;
  const noted = await incidents.transition(incident, state, m.now, {
    eventId: event.id,
    actionId: result.actionId,
    why: 'diagnostics',
    reason: summary,
  });
  const reply = notificationOf(noted, state, summary, {
    severity: 'info',
    mention: false,
    fields: { diagnostics: result.actionId },
  });
  if (!noted.context.ticket?.opened) return [reply];
  return [reply, ticketOf(noted, 'open', await incidents.timeline(noted.id), summary)];
}

/** remediated → (resolved): the remediation trigger's `onSuccess` team messages, then the resolution when it asks for one. */
async function onSuccess(
  m: Machine,
  incident: IncidentRow,
  plan: SuccessPlan | undefined,
  event: HubEvent,
): Promise<HubEvent[]> {
  if (!plan) return [];
  if (plan.problems.length > 0) {
    // Strict templates, as for events: a message the result cannot fill is left out, not sent half-empty.
    m.logger.error({
      msg: 'onSuccess messages left out: the result lacks values their templates need',
      sensor: incident.sensor,
      incidentId: incident.id,
      eventId: event.id,
      problems: plan.problems,
    });
    m.metrics.matches.inc({ sensor: incident.sensor, outcome: 'template-error' });
  }
  const messages = plan.messages.map((message) => resultMessageOf(incident, event, message));
  return plan.resolve ? [...messages, ...(await close(m, { incident, eventId: event.id }))] : messages;
}
