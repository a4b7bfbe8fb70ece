import { sql } from 'kysely';
import { type IncidentState } from '@hub/contracts';
import { type SilenceRow } from '@hub/database';
import { type IncidentChanges, type IncidentStore, type NewIncident } from '../stores/sensor-stores.js';
import { type TimelineEntry, timelineEntryOf } from './incident-events.js';
import { type KeyState, readKeyState } from './key-state.js';
import { type IncidentRow, type SensorTransaction } from './sensor-database.js';

/** Advisory-lock class of incident keys (the first int of `pg_advisory_xact_lock(int, int)`): "SENS". */
export const INCIDENT_LOCK_CLASS = 0x53454e53;

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
  /** The alert instance whose tombstone the work will ask about, per key ({@link expect}). */
  private readonly expected = new Map<string, { readonly sensor: string; readonly startsAt: string }>();
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
   * last remediation and, given `silencesAt`, the silences in force then, with the tombstone the
   * work said it would ask about ({@link expect}): one statement, once per key and transaction.
   */
  async keyState(key: string, silencesAt?: Date): Promise<KeyState> {
    const known = this.keys.get(key);
    if (known) return known;
    const instance = this.expected.get(key);
    const state = await readKeyState(this.trx, key, {
      ...(silencesAt ? { silencesAt } : {}),
      ...(instance ? { instance } : {}),
    });
    if (state.open) this.keep(state.open);
    this.keys.set(key, state);
    return state;
  }

  expect(key: string, { sensor, startsAt }: { readonly sensor: string; readonly startsAt?: string }): void {
    if (startsAt && !this.keys.has(key)) this.expected.set(key, { sensor, startsAt });
  }

  /** Until when that alert instance is marked resolved (null: it is not), when read with the key's state; else undefined. */
  tombstoneUntil(sensor: string, key: string, startsAt: string): Date | null | undefined {
    const tombstone = this.keys.get(key)?.tombstone;
    return tombstone?.sensor === sensor && tombstone.startsAt === startsAt ? tombstone.until : undefined;
  }

  /** A tombstone of the key was written: what was read of it is old. */
  forgetTombstone(key: string): void {
    const state = this.keys.get(key);
    if (state) delete state.tombstone;
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
