import { type HubEvent } from '@hub/contracts';
import { recordEvent } from '@hub/database';
import { CorrelationRepository } from '../incidents/correlation.repository.js';
import { IncidentRepository } from '../incidents/incident.repository.js';
import { NoiseRepository } from '../incidents/noise.repository.js';
import { type SensorTransaction } from '../incidents/sensor-database.js';
import { SilenceGate } from '../silences/silence.gate.js';
import { type ApprovalStore, type DeadlineStore, type NewApproval, type SensorStores } from './sensor-stores.js';

/** How the consuming event's transaction began (`claimEvent`). */
export interface PgStoresOptions {
  /** Incident keys the transaction's first statement locked already. */
  readonly lockedKeys?: readonly string[];
  /** The event log row was written by the first statement: `eventLog.record` has nothing left to do. */
  readonly eventLogged?: boolean;
}

/** The sensor's state in PostgreSQL, every store bound to `trx` (the consuming event's transaction). */
export function pgStores(trx: SensorTransaction, options: PgStoresOptions = {}): SensorStores {
  const incidents = new IncidentRepository(trx, options.lockedKeys);
  return {
    incidents,
    noise: new NoiseRepository(trx, incidents),
    correlations: new CorrelationRepository(trx),
    deadlines: new DeadlineRepository(trx),
    silences: new SilenceGate(trx, incidents),
    approvals: new ApprovalRepository(trx, incidents),
    eventLog: { record: (event: HubEvent) => (options.eventLogged ? Promise.resolve() : recordEvent(trx, event)) },
  };
}

/** `sensor_deadlines` (migration 0008); the sweeper claims the due ones. */
class DeadlineRepository implements DeadlineStore {
  constructor(private readonly trx: SensorTransaction) {}

  async arm(sensor: string, key: string, dueAt: Date, event: HubEvent): Promise<boolean> {
    const result = await this.trx
      .insertInto('sensor_deadlines')
      .values({ sensor, key, due_at: dueAt, event: JSON.stringify(event) })
      .onConflict((oc) => oc.columns(['sensor', 'key']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async disarm(sensor: string, key: string): Promise<void> {
    await this.trx.deleteFrom('sensor_deadlines').where('sensor', '=', sensor).where('key', '=', key).execute();
  }
}

/** `approvals` (state `waiting` until a decision or the timeout). */
class ApprovalRepository implements ApprovalStore {
  constructor(
    private readonly trx: SensorTransaction,
    private readonly incidents: IncidentRepository,
  ) {}

  async waitingFor(key: string): Promise<boolean> {
    if (this.incidents.holds(key)) return (await this.incidents.keyState(key)).waiting; // read with the open incident
    const row = await this.trx
      .selectFrom('approvals')
      .select('id')
      .where('incident_key', '=', key)
      .where('state', '=', 'waiting')
      .executeTakeFirst();
    return row !== undefined;
  }

  async insert(approval: NewApproval): Promise<void> {
    await this.trx
      .insertInto('approvals')
      .values({
        id: approval.id,
        incident_id: approval.incidentId,
        incident_key: approval.incidentKey,
        sensor: approval.sensor,
        trigger: approval.trigger,
        approvers: approval.approvers,
        on_timeout: approval.onTimeout,
        action_id: approval.actionId,
        event: JSON.stringify(approval.event),
        requested_at: approval.requestedAt,
        timeout_at: approval.timeoutAt,
      })
      .execute();
    this.incidents.noteWaiting(approval.incidentKey);
  }
}
