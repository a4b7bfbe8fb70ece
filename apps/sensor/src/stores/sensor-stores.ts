import { type HubEvent, type IncidentState } from '@hub/contracts';
import { type TimelineEntry } from '../incidents/incident-events.js';
import { type IncidentContext, type IncidentRow } from '../incidents/sensor-database.js';
import { type SeenDependency } from '../kinds/correlation/correlation.js';
import { type SilenceTarget } from '../silences/silence.js';

/**
 * Everything the sensor kinds and the incident state machine read and write while they handle one
 * event, behind small interfaces with two implementations: PostgreSQL, bound to the consuming
 * event's transaction (`pgStores`, the live service), and memory (`MemorySensorStores`, the dry run
 * and `hub replay`). The decisions are written once, above these; only where the state lives differs.
 */
export interface SensorStores {
  readonly incidents: IncidentStore;
  readonly noise: NoiseStore;
  readonly correlations: CorrelationStore;
  readonly deadlines: DeadlineStore;
  readonly silences: SilenceStore;
  readonly approvals: ApprovalStore;
  /** The event log (`GET /v1/events`, `hub replay`): every handled event. */
  readonly eventLog: EventLogStore;
}

export interface NewIncident {
  readonly id: string;
  readonly key: string;
  readonly sensor: string;
  readonly title: string;
  readonly labels: Record<string, string>;
  readonly context: IncidentContext;
  readonly at: Date;
}

/** Column changes a transition may make besides status and sequence. */
export interface IncidentChanges {
  readonly action_id?: string;
  readonly remediated_at?: Date;
  readonly escalated_at?: Date;
  readonly resolved_at?: Date;
  readonly context?: IncidentContext;
}

/** The incidents and their history. `lockKey` serialises all work on one key until the work commits. */
export interface IncidentStore {
  lockKey(key: string): Promise<void>;
  /** The open incident of `key` (locked for the rest of the work). */
  findOpen(key: string): Promise<IncidentRow | undefined>;
  findById(id: string): Promise<IncidentRow | undefined>;
  /** The incident whose latest remediation is `actionId`, open or not. */
  findByAction(actionId: string): Promise<IncidentRow | undefined>;
  /** The incident whose escalation requested the diagnostics `actionId`. */
  findByDiagnostics(actionId: string): Promise<IncidentRow | undefined>;
  /** Whether the diagnostics `actionId` is already in the incident's history (a redelivered result). */
  hasDiagnostics(incidentId: string, actionId: string): Promise<boolean>;
  lockById(id: string): Promise<IncidentRow>;
  /**
   * Said before the work asks anything of `key` under its lock: which alert instance it may check
   * for a tombstone (`NoiseStore.isTombstoned`), so a store can read that with the key's incidents
   * (PostgreSQL: in one statement). A store that reads each question on its own leaves it out.
   */
  expect?(key: string, instance: { readonly sensor: string; readonly startsAt?: string }): void;
  /** When a remediation of `key` last started, across all its incidents (the cooldown spans them). */
  lastRemediationAt(key: string): Promise<Date | undefined>;
  /** Opens an incident in state firing (sequence 1, first fire counted). */
  open(incident: NewIncident, detail: Record<string, unknown>): Promise<IncidentRow>;
  /** Moves the incident to `status`: sequence + 1, a history row, and the given column changes. */
  transition(
    incident: IncidentRow,
    status: IncidentState,
    at: Date,
    detail: Record<string, unknown>,
    changes?: IncidentChanges,
  ): Promise<IncidentRow>;
  /** Counts one more firing of an open incident (Alertmanager repeats, duplicates of a storm). */
  countFiring(incident: IncidentRow, at: Date): Promise<IncidentRow>;
  /** The incident's state changes, oldest first, as a ticket's timeline. */
  timeline(incidentId: string): Promise<TimelineEntry[]>;
}

/** Noise control: windows (`aggregate`), marks (`dedup`, `onceWithin`, resolved instances) and rate limits. */
export interface NoiseStore {
  /**
   * Counts `eventId` into the sensor's window of `key`; the most events of the key within one
   * `withinMs` span containing `at` (this one included).
   */
  countInWindow(sensor: string, key: string, eventId: string, at: Date, withinMs: number): Promise<number>;
  /** Empties the key's window (the threshold was reached). */
  resetWindow(sensor: string, key: string): Promise<void>;
  /** Claims `key` in `scope` at `at` unless claimed within `withinMs` before: true for the first of its period. */
  claim(sensor: string, scope: 'dedup' | 'once', key: string, at: Date, withinMs: number): Promise<boolean>;
  /** Takes one request of a trigger's rate limit (`max` within `perMs`): false when it is used up. */
  takeRate(sensor: string, trigger: string, at: Date, max: number, perMs: number): Promise<boolean>;
  /** Marks the alert instance of `key` that started at `startsAt` as resolved until `at + forMs`. */
  tombstone(sensor: string, key: string, startsAt: string, at: Date, forMs: number): Promise<void>;
  /** True while a {@link tombstone} of that alert instance stands. */
  isTombstoned(sensor: string, key: string, startsAt: string, now: Date): Promise<boolean>;
}

/** Partial matches of correlation conditions, per sensor and correlation key. */
export interface CorrelationStore {
  /** Serialises work on one sensor's correlation key until the work commits. */
  lock(sensor: string, key: string): Promise<void>;
  read(sensor: string, key: string): Promise<SeenDependency[]>;
  /** Replaces the key's partial match with `seen` (empty: forgotten), each kept until `at + withinMs`. */
  write(sensor: string, key: string, seen: readonly SeenDependency[], withinMs: number): Promise<void>;
}

/** Armed absence deadlines (`condition.absent`), swept when due. */
export interface DeadlineStore {
  /** Arms the deadline of `key`; false when one is armed already (a repeat keeps the earlier one). */
  arm(sensor: string, key: string, dueAt: Date, event: HubEvent): Promise<boolean>;
  disarm(sensor: string, key: string): Promise<void>;
}

/** The silences and maintenance windows in force. */
export interface SilenceStore {
  /** Whether a silence covers `target` at `now` (and counts the suppression on it). */
  silencing(target: SilenceTarget, now: Date): Promise<boolean>;
}

/** A remediation kept back until people decide (`approval:` of a trigger). */
export interface NewApproval {
  readonly id: string;
  readonly incidentId: string;
  readonly incidentKey: string;
  readonly sensor: string;
  readonly trigger: string;
  readonly approvers: string;
  readonly onTimeout: 'proceed' | 'deny';
  readonly actionId: string;
  /** The kept `action.requested.<kind>`, published when approved. */
  readonly event: HubEvent;
  readonly requestedAt: Date;
  readonly timeoutAt: Date;
}

export interface ApprovalStore {
  /** Whether a remediation of `key` is waiting for a decision. */
  waitingFor(key: string): Promise<boolean>;
  insert(approval: NewApproval): Promise<void>;
}

export interface EventLogStore {
  record(event: HubEvent): Promise<void>;
}
