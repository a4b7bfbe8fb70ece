import { type RawBuilder, sql } from 'kysely';
import { type SilenceRow } from '@hub/database';
import { type IncidentRow, type SensorTransaction } from './sensor-database.js';

/** What the work knows of a key it holds the lock of, read in one statement ({@link readKeyState}). */
export interface KeyState {
  /** The open incident (locked for the rest of the work). */
  open?: IncidentRow;
  /** Whether a remediation of the key waits for a decision (`approvals`). */
  waiting: boolean;
  /** When a remediation of the key last started, across all its incidents (the cooldown). */
  lastRemediationAt?: Date;
  /** The silences in force at the instant asked for, oldest first (as `SilenceGate` reads them), when asked. */
  silences?: SilenceRow[];
  /** Until when the alert instance asked about is marked resolved (`sensor_marks` scope `resolved`), when asked. */
  tombstone?: { readonly sensor: string; readonly startsAt: string; readonly until: Date | null };
}

/** What else to read with the key's incidents. */
export interface KeyQuestions {
  /** The silences in force at this instant. */
  readonly silencesAt?: Date;
  /** The tombstone of this alert instance. */
  readonly instance?: { readonly sensor: string; readonly startsAt: string };
}

type KeyStateRow = IncidentRow & {
  _waiting: boolean;
  _last_remediation_at: Date | null;
  _silences: SilenceJson[] | null;
  _tombstone_until: Date | null;
};

/**
 * The open incident of `key` (row-locked), whether an approval of the key waits, the key's last
 * remediation and what `questions` ask: one statement. The caller holds the key's lock, taken by an
 * earlier statement, so this one's snapshot has whatever the previous holder committed.
 *
 * The history is reached per incident of the key (a lateral subquery on `incident_history_incident`),
 * never by a join the planner may choose to hash: on a table that grew since its last `ANALYZE` it
 * did, scanning all of `incident_history` for every event (6.9 ms and 6,758 blocks per call in the
 * bench, a third of PostgreSQL's time).
 */
export async function readKeyState(trx: SensorTransaction, key: string, questions: KeyQuestions): Promise<KeyState> {
  const { rows } = await keyStateQuery(key, questions).execute(trx);
  const { _waiting, _last_remediation_at, _silences, _tombstone_until, ...row } = rows[0]!;
  const { instance } = questions;
  return {
    waiting: _waiting,
    ...(row.id ? { open: row } : {}), // no open incident: every column null
    ...(_last_remediation_at ? { lastRemediationAt: new Date(_last_remediation_at) } : {}),
    ...(_silences ? { silences: _silences.map(silenceRowOf) } : {}),
    ...(instance ? { tombstone: { ...instance, until: _tombstone_until ? new Date(_tombstone_until) : null } } : {}),
  };
}

/** The statement {@link readKeyState} runs (exported for the spec that reads its plan). */
export function keyStateQuery(key: string, questions: KeyQuestions): RawBuilder<KeyStateRow> {
  const { silencesAt, instance } = questions;
  const silences = silencesAt
    ? sql`(SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.created_at), '[]'::jsonb)
        FROM silences s LEFT JOIN incidents si ON si.id = s.incident_id
        WHERE s.expired_at IS NULL AND s.starts_at <= ${silencesAt}
          AND (s.ends_at IS NULL OR s.ends_at > ${silencesAt})
          AND (s.until_resolved = false OR si.resolved_at IS NULL))`
    : sql`NULL::jsonb`;
  const tombstone = instance
    ? sql`(SELECT until FROM sensor_marks
        WHERE sensor = ${instance.sensor} AND scope = 'resolved' AND key = ${instanceKey(key, instance.startsAt)})`
    : sql`NULL::timestamptz`;
  return sql<KeyStateRow>`
    SELECT i.*,
      EXISTS (SELECT 1 FROM approvals a WHERE a.incident_key = ${key} AND a.state = 'waiting') AS _waiting,
      (SELECT max(r.at) FROM incidents k CROSS JOIN LATERAL (
          SELECT max(h.at) AS at FROM incident_history h WHERE h.incident_id = k.id AND h.status = 'remediating'
        ) r WHERE k.key = ${key}) AS _last_remediation_at,
      ${silences} AS _silences,
      ${tombstone} AS _tombstone_until
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (SELECT * FROM incidents WHERE key = ${key} AND resolved_at IS NULL FOR UPDATE) i ON true`;
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

/** One alert instance: the incident key and Alertmanager's `startsAt` (normalised); its tombstone's key. */
export function instanceKey(key: string, startsAt: string): string {
  return `${key}@${new Date(startsAt).toISOString()}`;
}
