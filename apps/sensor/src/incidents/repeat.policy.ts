import { type IncidentState } from '@hub/contracts';
import { formatDuration } from '../expressions/duration.js';
import { type EscalationTimeouts } from '../matching/incident-plan.js';
import { describeAction } from './incident-events.js';
import { type IncidentRow } from './sensor-database.js';

/** What a repeat of the alert (Alertmanager's repeat interval, a storm's duplicates) means now. */
export type RepeatDecision =
  { readonly kind: 'count' } | { readonly kind: 'remediate' } | { readonly kind: 'escalate'; readonly reason: string };

/**
 * Decides on a repeat of an open incident's alert, from its state and timestamps (`updated_at`
 * is the last state change). A firing incident whose remediation the cooldown held back may
 * remediate now (the caller checks the cooldown again); an overdue one ({@link overdueReason})
 * escalates — the sweeper escalates it on time anyway, a repeat may only come first; other states
 * just count the repeat.
 */
export function decideOnRepeat(
  incident: Pick<IncidentRow, 'status' | 'remediated_at' | 'updated_at' | 'context'>,
  plan: EscalationTimeouts,
  now: Date,
): RepeatDecision {
  if (incident.status === 'firing') return { kind: 'remediate' };
  const reason = overdueReason(incident, plan, now);
  return reason ? { kind: 'escalate', reason } : { kind: 'count' };
}

/**
 * Why an open incident escalates now, with or without a new event (the sweeper asks every
 * `sweepMs`): still open `verifyAfter` after a successful fix, or `actionTimeout` after a
 * remediation started with no result. Undefined when it is not due, or its state never times out.
 */
export function overdueReason(
  incident: Pick<IncidentRow, 'status' | 'remediated_at' | 'updated_at' | 'context'>,
  timeouts: EscalationTimeouts,
  now: Date,
): string | undefined {
  const what = describeAction(incident.context.action);
  switch (incident.status as IncidentState) {
    case 'remediated': {
      const since = now.getTime() - (incident.remediated_at ?? now).getTime();
      return since < timeouts.verifyAfterMs
        ? undefined
        : `still firing ${formatDuration(since)} after ${what} succeeded`;
    }
    case 'remediating': {
      const waited = now.getTime() - incident.updated_at.getTime();
      return waited < timeouts.actionTimeoutMs ? undefined : `no result from ${what} within ${formatDuration(waited)}`;
    }
    case 'firing':
    case 'remediation-failed':
    case 'escalated':
    case 'resolved':
      return undefined;
  }
}
