import { randomUUID } from 'node:crypto';
import { type HubEvent } from '@hub/contracts';
import { type ActionPlan, type IncidentPlan } from '../../matching/incident-plan.js';
import { actionRequestOf, describeAction, notificationOf } from '../incident-events.js';
import { type IncidentRow } from '../sensor-database.js';
import { type Machine, transition } from './machine.js';

export interface Remediation {
  readonly incident: IncidentRow;
  readonly action: ActionPlan;
  /** Which attempt this is (1 = first; the trigger's `retry.attempts` bounds it). */
  readonly attempt?: number;
}

/** firing (or remediation-failed, for a retry) → remediating: the action is requested under a fresh id. */
export async function remediate(m: Machine, { incident, action, attempt = 1 }: Remediation): Promise<HubEvent[]> {
  const actionId = randomUUID();
  const context = { ...incident.context, action, attempt };
  const detail = {
    actionId,
    trigger: action.trigger,
    kind: action.kind,
    target: action.target,
    dryRun: action.dryRun,
    attempt,
  };
  const remediating = await transition(m, {
    incident,
    to: 'remediating',
    detail,
    changes: { action_id: actionId, context },
  });
  m.metrics.triggers.inc({ sensor: incident.sensor, trigger: action.trigger, kind: action.kind });
  const retry = attempt > 1 ? ` (attempt ${attempt} of ${action.attempts})` : '';
  return [
    actionRequestOf(remediating, actionId, action),
    notificationOf(remediating, 'remediating', `remediation started: ${describeAction(action)}${retry}`),
  ];
}

/** Takes one request of the trigger's rate limit; false when it is used up. */
export async function takeRate(m: Machine, sensor: string, action: ActionPlan): Promise<boolean> {
  if (!action.rateLimit) return true;
  return m.stores.noise.takeRate(sensor, action.trigger, m.now, action.rateLimit.max, action.rateLimit.perMs);
}

/** The end of the key's cooldown when a remediation of it started less than `cooldown` ago. */
export async function cooldownUntil(m: Machine, plan: IncidentPlan): Promise<Date | undefined> {
  if (plan.cooldownMs <= 0) return undefined;
  const last = await m.stores.incidents.lastRemediationAt(plan.key);
  const until = last ? new Date(last.getTime() + plan.cooldownMs) : undefined;
  return until && until > m.now ? until : undefined;
}
