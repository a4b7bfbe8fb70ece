import { type IncidentState } from '@hub/contracts';
import { formatDuration } from '../expressions/duration.js';
import { type IncidentPlan } from '../matching/incident-plan.js';
import { describeAction } from './incident-events.js';
import { type IncidentRow } from './sensor-database.js';

/** What a repeat of the alert (Alertmanager's repeat interval, a storm's duplicates) means now. */
export type RepeatDecision =
  { readonly kind: 'count' } | { readonly kind: 'remediate' } | { readonly kind: 'escalate'; readonly reason: string };

/**
 * Decides on a repeat of an open incident's alert, from its state and timestamps (`updated_at`
 * is the last state change). A firing incident whose remediation the cooldown held back may
 * remediate now (the caller checks the cooldown again); an alert still firing `verifyAfter` after
 * a successful fix, or `actionTimeout` after a remediation that never reported, escalates; states
 * that already escalated or await a result just count the repeat.
 */
export function decideOnRepeat(
  incident: Pick<IncidentRow, 'status' | 'remediated_at' | 'updated_at' | 'context'>,
  plan: Pick<IncidentPlan, 'verifyAfterMs' | 'actionTimeoutMs'>,
  now: Date,
): RepeatDecision {
  const what = describeAction(incident.context.action);
  switch (incident.status as IncidentState) {
    case 'firing':
      return { kind: 'remediate' };
    case 'remediated': {
      const since = now.getTime() - (incident.remediated_at ?? now).getTime();
      if (since < plan.verifyAfterMs) return { kind: 'count' };
      return { kind: 'escalate', reason: `still firing ${formatDuration(since)} after ${what} succeeded` };
    }
    case 'remediating': {
      const waited = now.getTime() - incident.updated_at.getTime();
      if (waited < plan.actionTimeoutMs) return { kind: 'count' };
      return { kind: 'escalate', reason: `no result from ${what} within ${formatDuration(waited)}` };
    }
    case 'remediation-failed':
    case 'escalated':
    case 'resolved':
      return { kind: 'count' };
  }
}
