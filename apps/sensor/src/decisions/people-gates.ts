import { type HubEvent } from '@hub/contracts';
import { ApprovalGate } from '../approvals/approval.gate.js';
import { type IncidentPlan } from '../matching/incident-plan.js';
import { type SensorStores } from '../stores/sensor-stores.js';

/** Why a matching event started nothing because of a person: a silence, or an approval still waiting. */
export type HeldByPeople = 'silenced' | 'awaiting-approval';

/**
 * Where people hold the sensor back, asked by the engine around the incident state machine:
 * {@link hold} before a matching event may move its incident (a silence or maintenance window in
 * force, or a remediation of the key waiting for approval), {@link gate} on what the state machine
 * decided (a remediation with an `approval:` waits instead of being requested).
 */
export class PeopleGates {
  private readonly approvals = new ApprovalGate();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async hold(stores: SensorStores, plan: IncidentPlan, event: HubEvent): Promise<HeldByPeople | undefined> {
    await stores.incidents.lockKey(plan.key); // the state machine takes it next anyway; a decision holds it too
    if (await stores.silences.silencing({ event, key: plan.key, labels: plan.labels }, this.clock())) {
      return 'silenced';
    }
    return (await stores.approvals.waitingFor(plan.key)) ? 'awaiting-approval' : undefined;
  }

  gate(stores: SensorStores, events: HubEvent[]): Promise<HubEvent[]> {
    return this.approvals.gate(stores, events, this.clock());
  }
}
