import { type HubEvent } from '@hub/contracts';
import { ApprovalGate } from '../approvals/approval.gate.js';
import { IncidentRepository } from '../incidents/incident.repository.js';
import { type SensorTransaction } from '../incidents/sensor-database.js';
import { type IncidentPlan } from '../matching/incident-plan.js';
import { SilenceGate } from '../silences/silence.gate.js';

/** Why a matching event started nothing because of a person: a silence, or an approval still waiting. */
export type HeldByPeople = 'silenced' | 'awaiting-approval';

/**
 * Where people hold the sensor back, asked by the engine around the incident state machine:
 * {@link hold} before a matching event may move its incident (a silence or maintenance window in
 * force, or a remediation of the key waiting for approval), {@link gate} on what the state machine
 * decided (a remediation with an `approval:` waits instead of being requested).
 */
export class PeopleGates {
  private readonly silences = new SilenceGate();
  private readonly approvals = new ApprovalGate();
  private readonly incidents = new IncidentRepository();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async hold(trx: SensorTransaction, plan: IncidentPlan, event: HubEvent): Promise<HeldByPeople | undefined> {
    await this.incidents.lockKey(trx, plan.key); // the state machine takes it next anyway; a decision holds it too
    if (await this.silences.silencing(trx, { event, key: plan.key, labels: plan.labels }, this.clock())) {
      return 'silenced';
    }
    const waiting = await trx
      .selectFrom('approvals')
      .select('id')
      .where('incident_key', '=', plan.key)
      .where('state', '=', 'waiting')
      .executeTakeFirst();
    return waiting ? 'awaiting-approval' : undefined;
  }

  gate(trx: SensorTransaction, events: HubEvent[]): Promise<HubEvent[]> {
    return this.approvals.gate(trx, events, this.clock());
  }
}
