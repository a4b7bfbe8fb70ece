import { sql } from 'kysely';
import { type IncidentState } from '@hub/contracts';
import { type IncidentChanges, type IncidentStore, type NewIncident } from '../stores/sensor-stores.js';
import { type TimelineEntry, timelineEntryOf } from './incident-events.js';
import { type IncidentRow, type SensorTransaction } from './sensor-database.js';

/** Advisory-lock class of incident keys (the first int of `pg_advisory_xact_lock(int, int)`): "SENS". */
const INCIDENT_LOCK_CLASS = 0x53454e53;

/**
 * The incidents and their history in PostgreSQL. Every method runs in the given transaction;
 * `lockKey` serialises all work on one incident key across handlers and replicas until it commits
 * (the unique partial index `incidents_open_key` stays the last line against a second open row).
 */
export class IncidentRepository implements IncidentStore {
  constructor(private readonly trx: SensorTransaction) {}

  async lockKey(key: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(${INCIDENT_LOCK_CLASS}::int, hashtext(${key}))`.execute(this.trx);
  }

  findOpen(key: string): Promise<IncidentRow | undefined> {
    return this.trx
      .selectFrom('incidents')
      .selectAll()
      .where('key', '=', key)
      .where('resolved_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
  }

  /** The incident whose latest remediation is `actionId`, open or not. */
  findByAction(actionId: string): Promise<IncidentRow | undefined> {
    return this.trx
      .selectFrom('incidents')
      .selectAll()
      .where('action_id', '=', actionId)
      .orderBy('opened_at', 'desc')
      .executeTakeFirst();
  }

  /** The incident whose escalation requested the diagnostics `actionId`. */
  findByDiagnostics(actionId: string): Promise<IncidentRow | undefined> {
    return this.trx
      .selectFrom('incidents')
      .selectAll()
      .where(sql<string>`context->>'diagnosticsActionId'`, '=', actionId)
      .executeTakeFirst();
  }

  /** Whether the diagnostics `actionId` is already in the incident's history (a redelivered result). */
  async hasDiagnostics(incidentId: string, actionId: string): Promise<boolean> {
    const row = await this.trx
      .selectFrom('incident_history')
      .select('id')
      .where('incident_id', '=', incidentId)
      .where(sql<string>`detail->>'actionId'`, '=', actionId)
      .where(sql<string>`detail->>'why'`, '=', 'diagnostics')
      .executeTakeFirst();
    return row !== undefined;
  }

  findById(id: string): Promise<IncidentRow | undefined> {
    return this.trx.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  }

  lockById(id: string): Promise<IncidentRow> {
    return this.trx.selectFrom('incidents').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
  }

  /** When a remediation of `key` last started, across all its incidents (the cooldown spans them). */
  async lastRemediationAt(key: string): Promise<Date | undefined> {
    const row = await this.trx
      .selectFrom('incident_history as h')
      .innerJoin('incidents as i', 'i.id', 'h.incident_id')
      .select((eb) => eb.fn.max('h.at').as('at'))
      .where('i.key', '=', key)
      .where('h.status', '=', 'remediating')
      .executeTakeFirst();
    return row?.at ? new Date(row.at) : undefined;
  }

  /** Opens an incident in state firing (sequence 1, first fire counted). */
  async open(incident: NewIncident, detail: Record<string, unknown>): Promise<IncidentRow> {
    const row = await this.trx
      .insertInto('incidents')
      .values({
        id: incident.id,
        key: incident.key,
        sensor: incident.sensor,
        status: 'firing',
        title: incident.title,
        labels: JSON.stringify(incident.labels),
        context: JSON.stringify(incident.context),
        sequence: 1,
        fire_count: 1,
        opened_at: incident.at,
        updated_at: incident.at,
        last_fired_at: incident.at,
        external_refs: '{}',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.record(row.id, 'firing', incident.at, detail);
    return row;
  }

  /** Moves the incident to `status`: sequence + 1, a history row, and the given column changes. */
  async transition(
    incident: IncidentRow,
    status: IncidentState,
    at: Date,
    detail: Record<string, unknown>,
    changes: IncidentChanges = {},
  ): Promise<IncidentRow> {
    const { context, ...columns } = changes;
    const row = await this.trx
      .updateTable('incidents')
      .set((eb) => ({
        ...columns,
        ...(context ? { context: JSON.stringify(context) } : {}),
        status,
        sequence: eb('sequence', '+', 1),
        updated_at: at,
      }))
      .where('id', '=', incident.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.record(row.id, status, at, detail);
    return row;
  }

  /** Counts one more firing of an open incident (Alertmanager repeats, duplicates of a storm). */
  countFiring(incident: IncidentRow, at: Date): Promise<IncidentRow> {
    return this.trx
      .updateTable('incidents')
      .set((eb) => ({ fire_count: eb('fire_count', '+', 1), last_fired_at: at }))
      .where('id', '=', incident.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The incident's state changes, oldest first, as a ticket's timeline. */
  async timeline(incidentId: string): Promise<TimelineEntry[]> {
    const rows = await this.trx
      .selectFrom('incident_history')
      .select(['status', 'at', 'detail'])
      .where('incident_id', '=', incidentId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((row) => timelineEntryOf(row.status, new Date(row.at), row.detail));
  }

  private async record(incidentId: string, status: string, at: Date, detail: Record<string, unknown>): Promise<void> {
    await this.trx
      .insertInto('incident_history')
      .values({ incident_id: incidentId, status, at, detail: JSON.stringify(detail) })
      .execute();
  }
}
