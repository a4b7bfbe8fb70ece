import { type ColumnType, type Generated, type Kysely, type Selectable, type Transaction } from 'kysely';
import { type HubEvent } from '@hub/contracts';
import { type EventLogTable, type HubDatabase } from '@hub/database';
import { type Severity } from '../definitions/sensor.schema.js';
import { type ActionPlan, type EscalationPlan, type Link, type TicketPlan } from '../matching/incident-plan.js';

type Json<T> = ColumnType<T, string, string>;

/**
 * What later notifications of an incident need once the alert that opened it is gone (action
 * results and resolutions carry none of it), kept in `incidents.context` (migration 0004).
 */
export interface IncidentContext {
  readonly summary: string;
  readonly severity: Severity;
  readonly route: string;
  readonly escalation: EscalationPlan;
  /** The next step of the escalation chain and when it is due (set when the incident escalates). */
  readonly chain?: { readonly next: number; readonly dueAt: string };
  /** Which attempt of the remediation is running (1 = first; `retry.attempts` bounds it). */
  readonly attempt?: number;
  readonly fields: Record<string, string>;
  readonly links: readonly Link[];
  /** The remediation last requested (set when the incident goes to remediating). */
  readonly action?: ActionPlan;
  /** The `kubernetes.diagnostics` requested when the incident escalated (`escalation.diagnostics`). */
  readonly diagnosticsActionId?: string;
  /** The owner team (absent on incidents opened before teams existed). */
  readonly team?: string;
  /** The sensor's `ticket:`; `opened` once `ticket.requested{open}` went out for this incident. */
  readonly ticket?: TicketPlan & { readonly opened?: boolean };
  /** `on: resolve` triggers, rendered when the incident opened. */
  readonly resolveActions?: readonly ActionPlan[];
  /** Who acknowledged the incident (a Slack click, docs/sensors.md): the escalation chain stops. */
  readonly acknowledgedBy?: string;
  /** When the condition instance that opened the incident started (the envelope's `startedat`): orders late events. */
  readonly startsAt?: string;
}

/** Events a committed state change still has to publish (migration 0004). */
export interface SensorOutboxTable {
  position: Generated<string>;
  event_id: string;
  source_event_id: string;
  event: Json<HubEvent>;
  created_at: Generated<Date>;
}

/** An event counted in a sensor's window (migration 0006). */
export interface SensorWindowEventsTable {
  sensor: string;
  key: string;
  event_id: string;
  at: Date;
}

/** Until when a key stays claimed, per sensor and scope (`dedup`, `once`; migration 0006). */
export interface SensorMarksTable {
  sensor: string;
  scope: string;
  key: string;
  until: Date;
}

/** What migrations 0004+ add to the hub's tables, for `db.withTables<SensorTables>()`. */
export type SensorTables = {
  incidents: { context: Json<IncidentContext> };
  sensor_outbox: SensorOutboxTable;
  sensor_window_events: SensorWindowEventsTable;
  sensor_marks: SensorMarksTable;
  event_log: EventLogTable;
  sensor_deadlines: SensorDeadlinesTable;
  sensor_condition_matches: SensorConditionMatchesTable;
};

/** Partial matches of correlation conditions, per sensor, key and dependency (migration 0009). */
export interface SensorConditionMatchesTable {
  sensor: string;
  key: string;
  dependency: string;
  event_id: string;
  at: Date;
  expires_at: Date;
}

/** Armed absence deadlines (migration 0008). */
export interface SensorDeadlinesTable {
  sensor: string;
  key: string;
  due_at: Date;
  event: Json<HubEvent>;
}

/** The hub's tables as the sensor sees them: with its own column and table. */
export type SensorDatabase = HubDatabase & SensorTables;

export type SensorDb = Kysely<SensorDatabase>;
export type SensorTransaction = Transaction<SensorDatabase>;
export type IncidentRow = Selectable<SensorDatabase['incidents']>;
