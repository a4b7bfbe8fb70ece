import { sql } from 'kysely';
import { type IncidentState } from '@hub/contracts';
import { type SilenceRow } from '@hub/database';
import { type IncidentChanges, type IncidentStore, type NewIncident } from '../stores/sensor-stores.js';
import { type TimelineEntry, timelineEntryOf } from './incident-events.js';
import { type IncidentRow, type SensorTransaction } from './sensor-database.js';

/** Advisory-lock class of incident keys (the first int of `pg_advisory_xact_lock(int, int)`): "SENS". */
export const INCIDENT_LOCK_CLASS = 0x53454e53;

/** What the work knows of a key it holds the lock of, read in one statement ({@link IncidentRepository.keyState}). */
export interface KeyState {
  /** The open incident (locked for the rest of the work). */
  open?: IncidentRow;
  /** Whether a remediation of the key waits for a decision (`approvals`). */
  waiting: boolean;
  /** When a remediation of the key last started, across all its incidents (the cooldown). */
  lastRemediationAt?: Date;
  /** The silences in force at the instant asked for, oldest first (as `SilenceGate` reads them), when asked. */
  silences?: SilenceRow[];
}

/**
 * The incidents and their history in PostgreSQL. Every method runs in the given transaction;
 * `lockKey` serialises all work on one incident key across handlers and replicas until it commits
 * (the unique partial index `incidents_open_key` stays the last line against a second open row).
 *
 * Under a key's lock nothing else changes the key's incidents, so what the work read or wrote of
 * them is kept for the rest of the transaction: the open incident, the waiting approval and the
 * cooldown's last remediation are one statement ({@link keyState}), a written row is never read
 * again (`returning *`), and each write is one statement with its history row (a CTE).
 */
export class IncidentRepository implements IncidentStore {
  private readonly locked = new Set<string>();
  private readonly keys = new Map<string, KeyState>();
  /** Rows this transaction locked or wrote, by id. */
  private readonly rows = new Map<string, IncidentRow>();

  constructor(
    private readonly trx: SensorTransaction,
    /** Keys the transaction's first statement locked already (`claimEvent`). */
    lockedKeys: readonly string[] = [],
  ) {
    for (const key of lockedKeys) this.locked.add(key);
  }

  async lockKey(key: string): Promise<void> {
    if (this.locked.has(key)) return;
    await sql`SELECT pg_advisory_xact_lock(${INCIDENT_LOCK_CLASS}::int, hashtext(${key}))`.execute(this.trx);
    this.locked.add(key);
  }

  /**
   * The open incident of a locked key (row-locked), whether an approval of the key waits, the key's
   * last remediation and, given `silencesAt`, the silences in force then: one statement, once per
   * key and transaction.
   */
  async keyState(key: string, silencesAt?: Date): Promise<KeyState> {
    const known = this.keys.get(key);
    if (known) return known;
    const silences = silencesAt
      ? sql`(SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.created_at), '[]'::jsonb)
          FROM silences s LEFT JOIN incidents si ON si.id = s.incident_id
          WHERE s.expired_at IS NULL AND s.starts_at <= ${silencesAt}
            AND (s.ends_at IS NULL OR s.ends_at > ${silencesAt})
            AND (s.until_resolved = false OR si.resolved_at IS NULL))`
      : sql`NULL::jsonb`;
    const { rows } = await sql<
      IncidentRow & { _waiting: boolean; _last_remediation_at: Date | null; _silences: SilenceJson[] | null }
    >`
      SELECT i.*,
        EXISTS (SELECT 1 FROM approvals a WHERE a.incident_key = ${key} AND a.state = 'waiting') AS _waiting,
        (SELECT max(h.at) FROM incident_history h JOIN incidents k ON k.id = h.incident_id
          WHERE k.key = ${key} AND h.status = 'remediating') AS _last_remediation_at,
        ${silences} AS _silences
      FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (SELECT * FROM incidents WHERE key = ${key} AND resolved_at IS NULL FOR UPDATE) i ON true`.execute(
      this.trx,
    );
    const { _waiting, _last_remediation_at, _silences, ...row } = rows[0]!;
    const state: KeyState = {
      waiting: _waiting,
      ...(row.id ? { open: this.keep(row) } : {}), // no open incident: every column null
      ...(_last_remediation_at ? { lastRemediationAt: new Date(_last_remediation_at) } : {}),
      ...(_silences ? { silences: _silences.map(silenceRowOf) } : {}),
    };
    this.keys.set(key, state);
    return state;
  }

  /**
   * The silences in force at `now` read with the key's state, when the transaction holds the key
   * and has read nothing of it yet (the people gates ask first); else undefined (read them yourself).
   */
  async silencesFor(key: string, now: Date): Promise<SilenceRow[] | undefined> {
    if (!this.locked.has(key) || this.keys.has(key)) return undefined;
    return (await this.keyState(key, now)).silences;
  }

  /** Whether the transaction holds `key`'s lock (what it knows of the key is then current). */
  holds(key: string): boolean {
    return this.locked.has(key);
  }

  async findOpen(key: string): Promise<IncidentRow | undefined> {
    if (this.locked.has(key)) return (await this.keyState(key)).open;
    const row = await this.trx
      .selectFrom('incidents')
      .selectAll()
      .where('key', '=', key)
      .where('resolved_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    return row && this.keep(row);
  }

  /**
   * The incident whose latest remediation is `actionId`, open or not. Of a key the transaction holds
   * (an action result's `incidentkey`, locked with the first statement) it is read row-locked and
   * kept, so the `lockById` under that key's lock reads nothing again.
   */
  async findByAction(actionId: string): Promise<IncidentRow | undefined> {
    const find = () =>
      this.trx.selectFrom('incidents').selectAll().where('action_id', '=', actionId).orderBy('opened_at', 'desc');
    if (this.locked.size > 0) {
      const row = await find()
        .where('key', 'in', [...this.locked])
        .forUpdate()
        .executeTakeFirst();
      if (row) return this.keep(row);
    }
    return find().executeTakeFirst();
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

  async findById(id: string): Promise<IncidentRow | undefined> {
    return (
      this.rows.get(id) ?? (await this.trx.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst())
    );
  }

  async lockById(id: string): Promise<IncidentRow> {
    const kept = this.rows.get(id);
    if (kept && this.locked.has(kept.key)) return kept;
    const row = await this.trx
      .selectFrom('incidents')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    return this.keep(row);
  }

  /** When a remediation of `key` last started, across all its incidents (the cooldown spans them). */
  async lastRemediationAt(key: string): Promise<Date | undefined> {
    if (this.locked.has(key)) return (await this.keyState(key)).lastRemediationAt;
    const row = await this.trx
      .selectFrom('incident_history as h')
      .innerJoin('incidents as i', 'i.id', 'h.incident_id')
      .select((eb) => eb.fn.max('h.at').as('at'))
      .where('i.key', '=', key)
      .where('h.status', '=', 'remediating')
      .executeTakeFirst();
    return row?.at ? new Date(row.at) : undefined;
  }

  /** Notes a remediation of `key` waiting for approval (`ApprovalStore.insert`). */
  noteWaiting(key: string): void {
    const state = this.keys.get(key);
    if (state) state.waiting = true;
  }

  /** Opens an incident in state firing (sequence 1, first fire counted). */
  async open(incident: NewIncident, detail: Record<string, unknown>): Promise<IncidentRow> {
    const row = await this.trx
      .with('opened', (db) =>
        db
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
          .returningAll(),
      )
      .with('history', (db) =>
        db
          .insertInto('incident_history')
          .columns(['incident_id', 'status', 'at', 'detail'])
          .expression(this.historyOf('opened', incident.at, detail)),
      )
      .selectFrom('opened')
      .selectAll()
      .executeTakeFirstOrThrow();
    return this.keep(row);
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
      .with('moved', (db) =>
        db
          .updateTable('incidents')
          .set((eb) => ({
            ...columns,
            ...(context ? { context: JSON.stringify(context) } : {}),
            status,
            sequence: eb('sequence', '+', 1),
            updated_at: at,
          }))
          .where('id', '=', incident.id)
          .returningAll(),
      )
      .with('history', (db) =>
        db
          .insertInto('incident_history')
          .columns(['incident_id', 'status', 'at', 'detail'])
          .expression(this.historyOf('moved', at, detail)),
      )
      .selectFrom('moved')
      .selectAll()
      .executeTakeFirstOrThrow();
    const state = this.keys.get(row.key);
    if (state && status === 'remediating' && (!state.lastRemediationAt || state.lastRemediationAt < at)) {
      state.lastRemediationAt = at;
    }
    return this.keep(row);
  }

  /** Counts one more firing of an open incident (Alertmanager repeats, duplicates of a storm). */
  async countFiring(incident: IncidentRow, at: Date): Promise<IncidentRow> {
    const row = await this.trx
      .updateTable('incidents')
      .set((eb) => ({ fire_count: eb('fire_count', '+', 1), last_fired_at: at }))
      .where('id', '=', incident.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return this.keep(row);
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

  /** The history row of the incident a CTE (`opened`, `moved`) returned; its status is the incident's new one. */
  private historyOf(cte: 'opened' | 'moved', at: Date, detail: Record<string, unknown>) {
    return sql<never>`SELECT id, status, ${at}::timestamptz, ${JSON.stringify(detail)}::jsonb FROM ${sql.table(cte)}`;
  }

  /** Keeps a row the transaction locked or wrote; the open incident of its key follows it. */
  private keep(row: IncidentRow): IncidentRow {
    this.rows.set(row.id, row);
    const state = this.keys.get(row.key);
    if (state) {
      if (row.resolved_at === null) state.open = row;
      else if (state.open?.id === row.id) delete state.open;
    }
    return row;
  }
}

/** A `silences` row as `to_jsonb` gives it: timestamps as text. */
type SilenceJson = Omit<SilenceRow, 'starts_at' | 'ends_at' | 'created_at' | 'expired_at' | 'last_suppressed_at'> & {
  starts_at: string;
  ends_at: string | null;
  created_at: string;
  expired_at: string | null;
  last_suppressed_at: string | null;
};

function silenceRowOf(json: SilenceJson): SilenceRow {
  const at = (value: string | null) => (value === null ? null : new Date(value));
  return {
    ...json,
    starts_at: new Date(json.starts_at),
    ends_at: at(json.ends_at),
    created_at: new Date(json.created_at),
    expired_at: at(json.expired_at),
    last_suppressed_at: at(json.last_suppressed_at),
  };
}
