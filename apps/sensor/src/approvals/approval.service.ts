import { type HubEvent } from '@hub/contracts';
import { type ApprovalRow } from '@hub/database';
import { describeAction, notificationOf } from '../incidents/incident-events.js';
import { IncidentRepository } from '../incidents/incident.repository.js';
import { type SensorTransaction } from '../incidents/sensor-database.js';

/** How an approval ended: a person's approve / deny, or its timeout (`onTimeout` decides which). */
export type ApprovalOutcome = 'approved' | 'denied' | 'timed-out';

/** What deciding did: the events to publish, or why nothing changed (decided before, gone). */
export interface ApprovalDecision {
  readonly events: HubEvent[];
  readonly refused?: string;
}

/**
 * Decides a waiting approval exactly once: under the incident key's lock, one conditional
 * `UPDATE approvals … WHERE id = $1 AND state = 'waiting'` — across replicas and redeliveries the
 * first decision wins and every other finds no waiting row. Approved (or timed out with `proceed`):
 * the kept `action.requested` is published as it was staged; denied (or timed out with `deny`): the
 * incident goes to remediation-failed without escalating (a person said no). Both in the timeline
 * and as a reply in the thread.
 */
export class ApprovalService {
  async decide(
    trx: SensorTransaction,
    id: string,
    outcome: ApprovalOutcome,
    by: string,
    now: Date,
    reason?: string,
  ): Promise<ApprovalDecision> {
    const found = await trx.selectFrom('approvals').select(['incident_key']).where('id', '=', id).executeTakeFirst();
    if (!found) return { events: [], refused: `approval ${id} does not exist` };
    await new IncidentRepository(trx).lockKey(found.incident_key);
    const row = await trx
      .updateTable('approvals')
      .set({ state: outcome, decided_at: now, decided_by: by, reason: reason ?? null })
      .where('id', '=', id)
      .where('state', '=', 'waiting')
      .returningAll()
      .executeTakeFirst();
    if (!row) return { events: [], refused: await this.alreadyDecided(trx, id) };
    return { events: await this.apply(trx, row, now) };
  }

  private async apply(trx: SensorTransaction, approval: ApprovalRow, now: Date): Promise<HubEvent[]> {
    const incidents = new IncidentRepository(trx);
    const incident = await incidents.lockById(approval.incident_id);
    if (incident.resolved_at || incident.action_id !== approval.action_id) return [];
    const timedOut = approval.state === 'timed-out';
    const proceeds = approval.state === 'approved' || (timedOut && approval.on_timeout === 'proceed');
    const who = timedOut ? `no decision by ${approval.approvers} in time` : `@${approval.decided_by}`;
    const what = describeAction(incident.context.action);
    const detail = {
      approvalId: approval.id,
      decision: approval.state,
      by: approval.decided_by,
      ...(approval.reason ? { reason: approval.reason } : {}),
    };
    if (proceeds) {
      const text = timedOut ? `${who}: proceeding (onTimeout) with ${what}` : `approved by ${who}: starting ${what}`;
      const started = await incidents.transition(incident, 'remediating', now, { ...detail, why: text });
      return [approval.event as unknown as HubEvent, notificationOf(started, 'remediating', text)];
    }
    const text = timedOut ? `${who}: ${what} denied (onTimeout)` : `denied by ${who}: ${what} not run`;
    const denied = await incidents.transition(incident, 'remediation-failed', now, { ...detail, why: text });
    return [notificationOf(denied, 'remediation-failed', text, { fields: { reason: text } })];
  }

  private async alreadyDecided(trx: SensorTransaction, id: string): Promise<string> {
    const row = await trx
      .selectFrom('approvals')
      .select(['state', 'decided_by'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return `approval ${id} is already ${row.state}${row.decided_by ? ` (by ${row.decided_by})` : ''}`;
  }
}
