import { type ColumnType, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

/** Events a consumer has processed (idempotency markers). */
export interface ProcessedEventsTable {
  consumer: string;
  /** `eventIdentity(event)` (source + id); a bare id where it is a hub-made UUID, or in rows before 0015. */
  event_id: string;
  processed_at: Generated<Date>;
}

/** One incident per alert fingerprint (or other incident key) while it is open. */
export interface IncidentsTable {
  id: string;
  key: string;
  sensor: string;
  status: string;
  title: string;
  labels: Json<Record<string, string>>;
  /** Grows with every state change; notifications carry it. */
  sequence: Generated<number>;
  action_id: string | null;
  fire_count: Generated<number>;
  opened_at: Timestamp;
  updated_at: Timestamp;
  last_fired_at: NullableTimestamp;
  remediated_at: NullableTimestamp;
  escalated_at: NullableTimestamp;
  resolved_at: NullableTimestamp;
  external_refs: Json<Record<string, unknown>>;
}

export interface IncidentHistoryTable {
  id: Generated<string>;
  incident_id: string;
  at: Timestamp;
  status: string;
  detail: Json<Record<string, unknown>>;
}

/** One row per action the executor ran (the action id is the idempotency key). */
export interface ActionRunsTable {
  action_id: string;
  kind: string;
  target: string;
  params: Json<Record<string, unknown>>;
  incident_key: string | null;
  status: string;
  attempts: Generated<number>;
  dry_run: Generated<boolean>;
  reason: string | null;
  details: Json<Record<string, unknown>>;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  duration_ms: number | null;
  /** When the broker confirmed the result event (migration 0005); null until then. */
  result_published_at: NullableTimestamp;
}

/** Where an incident's notifications went: one chat thread per incident and channel. */
export interface NotificationThreadsTable {
  /** `<incident key>/<incident id>`: an alert that fires again after it resolved gets a new thread. */
  incident_key: string;
  channel: string;
  conversation: string;
  thread_ts: string;
  last_sequence: number;
  /** The newest update with a reply in the thread (migration 0018); null in threads made before. */
  reply_sequence: number | null;
  updated_at: Timestamp;
}

/** Each schedule's last decided slot (migration 0014); the row lock serialises scheduler replicas. */
export interface ScheduleStateTable {
  schedule: string;
  last_slot: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One row per fired slot (migration 0014): the primary key (schedule, slot) is the claim. */
export interface ScheduleSlotsTable {
  schedule: string;
  slot: Timestamp;
  event_id: string;
  event: Json<Record<string, unknown>>;
  catch_up: Generated<boolean>;
  claimed_by: string;
  claimed_at: Timestamp;
  /** When the broker confirmed the event; null until then (the relay publishes those). */
  published_at: NullableTimestamp;
}

/** `active` = claimed or open; `resolved` / `wontfix` once done; `abandoned` = a claim whose create never happened. */
/** `preresolved`: no ticket; the incident's `resolve` came before its `open` (migration 0017). */
export type TicketStatus = 'creating' | 'open' | 'resolved' | 'wontfix' | 'abandoned' | 'preresolved';

/** The ticketing service's fingerprint → ticket map (migration 0010): one row per ticket it made. */
export interface TicketsTable {
  id: Generated<string>;
  /** `jira`, `servicenow` or `outbox`: a map survives a switch of provider without mixing keys. */
  provider: string;
  fingerprint: string;
  status: TicketStatus;
  /** The vendor's id (JIRA issue key, ServiceNow sys_id); null while only claimed. */
  ticket_key: string | null;
  /** What people see (the JIRA key, the ServiceNow number). */
  display_key: string | null;
  url: string | null;
  team: string;
  incident_key: string;
  /** The incident the row was made for (migration 0017); null in rows written before. */
  incident_id: string | null;
  /** The vendor's resolution when the ticket was closed (a won't-fix one is never reopened). */
  resolution: string | null;
  /** The last `ticket.requested` applied to the ticket: a redelivery of it changes nothing. */
  last_event_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: NullableTimestamp;
}

/** One message the notifier sent (or wrote to its outbox), migration 0012. */
export interface NotificationReceiptsTable {
  id: Generated<string>;
  /** The `notification.requested` event id. */
  event_id: string;
  incident_key: string;
  incident_id: string;
  /** `incident` or `message` (notification.requested `kind`). */
  kind: string;
  team: string | null;
  /** The route or `team:<name>` the notification was sent to. */
  destination: string;
  /** `slack` or `teams`. */
  channel: string;
  /** `live` (the vendor took it) or `outbox` (written to `$HUB_DATA_DIR/outbox`). */
  mode: string;
  /** `root`, `reply`, `update`, `message` (Slack); `card`, `follow-up` (Teams). */
  operation: string;
  /** The Slack channel as configured, the Teams webhook's variable name, or the outbox file. */
  target: string;
  /** Slack's channel id. */
  conversation: string | null;
  /** Slack's message ts. */
  message_ts: string | null;
  /** The Teams webhook's HTTP status. */
  http_status: number | null;
  state: string | null;
  sequence: number | null;
  detail: Json<Record<string, unknown>>;
  sent_at: Generated<Date>;
}

/** An S3 provisioning request (migration 0019). */
export interface ProvisioningRequestsTable {
  id: string;
  /** The ingest token's source that brought it in. */
  source: string;
  idempotency_key: string | null;
  app_name: string;
  owner_team: string;
  repository_url: string;
  requested_by: string | null;
  environment: string | null;
  quota: ColumnType<{ cpu: string; memory: string; pods?: number } | null, string | null, string | null>;
  status: string;
  phase: Generated<string>;
  reasons: ColumnType<string[], string | undefined, string>;
  trace_id: string | null;
  /** The `provisioning.requested` envelope, published again until the broker confirms it. */
  event: Json<Record<string, unknown>>;
  published_at: NullableTimestamp;
  sequence: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: NullableTimestamp;
}

/** One step of a provisioning plan (migration 0019). */
export interface ProvisioningStepsTable {
  request_id: string;
  name: string;
  position: number;
  status: string;
  attempts: Generated<number>;
  compensation_attempts: Generated<number>;
  error: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  compensated_at: NullableTimestamp;
}

/** event-sources (migration 0021): one active reader per source. */
export interface SourceLeasesTable {
  source: string;
  holder: string;
  token: string;
  expires_at: Timestamp;
  acquired_at: Generated<Date>;
}

/** event-sources (migration 0021): where each Kubernetes watch resumes. */
export interface WatchPositionsTable {
  source: string;
  watch: string;
  resource_version: string;
  updated_at: Generated<Date>;
}

/** event-sources (migration 0021): per watched object, the last resourceVersion handled and its predicate states. */
export interface WatchObjectsTable {
  source: string;
  watch: string;
  uid: string;
  resource_version: string;
  state: Json<Record<string, unknown>>;
  updated_at: Generated<Date>;
}

/** event-sources (migration 0021): decided events not yet confirmed by the broker. */
export interface SourceOutboxTable {
  event_id: string;
  /** Decision order (the order events are published in). */
  seq: Generated<string>;
  source: string;
  event: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}

/** Delivery ids a push source of the gateway published (migration 0016): replays within 24 h are not published again. */
export interface WebhookDeliveriesTable {
  source: string;
  delivery_id: string;
  event_ids: Json<string[]>;
  seen_at: Timestamp;
}

/** A silence or maintenance window (migration 0027); docs/sensors.md. */
export interface SilencesTable {
  id: string;
  matchers: Json<SilenceMatcher[]>;
  expr: string | null;
  starts_at: Timestamp;
  ends_at: NullableTimestamp;
  recurrence: ColumnType<SilenceRecurrence | null, string | null, string | null>;
  incident_key: string | null;
  incident_id: string | null;
  until_resolved: Generated<boolean>;
  created_by: string;
  comment: Generated<string>;
  created_at: Generated<Date>;
  expired_at: NullableTimestamp;
  suppressed: Generated<number>;
  last_suppressed_at: NullableTimestamp;
  alertmanager_id: string | null;
}

/** An Alertmanager-style label matcher: `name = value`, `!=`, `=~`, `!~`. */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

/** A recurring window: `durationMs` from each slot of `cron` in `timezone`. */
export interface SilenceRecurrence {
  cron: string;
  durationMs: number;
  timezone: string;
}

/** A remediation waiting for a person (migration 0027). */
export interface ApprovalsTable {
  id: string;
  incident_id: string;
  incident_key: string;
  sensor: string;
  trigger: string;
  approvers: string;
  state: Generated<string>;
  on_timeout: string;
  action_id: string;
  event: Json<Record<string, unknown>>;
  requested_at: Generated<Date>;
  timeout_at: Timestamp;
  decided_at: NullableTimestamp;
  decided_by: string | null;
  reason: string | null;
}

export interface HubDatabase {
  hub_processed_events: ProcessedEventsTable;
  incidents: IncidentsTable;
  incident_history: IncidentHistoryTable;
  action_runs: ActionRunsTable;
  notification_threads: NotificationThreadsTable;
  schedule_state: ScheduleStateTable;
  schedule_slots: ScheduleSlotsTable;
  tickets: TicketsTable;
  notification_receipts: NotificationReceiptsTable;
  provisioning_requests: ProvisioningRequestsTable;
  provisioning_steps: ProvisioningStepsTable;
  source_leases: SourceLeasesTable;
  watch_positions: WatchPositionsTable;
  watch_objects: WatchObjectsTable;
  source_outbox: SourceOutboxTable;
  webhook_deliveries: WebhookDeliveriesTable;
  silences: SilencesTable;
  approvals: ApprovalsTable;
}

export type Incident = Selectable<IncidentsTable>;
export type SilenceRow = Selectable<SilencesTable>;
export type ApprovalRow = Selectable<ApprovalsTable>;
export type NewIncident = Insertable<IncidentsTable>;
export type IncidentUpdate = Updateable<IncidentsTable>;
export type ActionRun = Selectable<ActionRunsTable>;
export type NotificationThread = Selectable<NotificationThreadsTable>;
export type ScheduleSlot = Selectable<ScheduleSlotsTable>;
export type TicketRow = Selectable<TicketsTable>;
export type NotificationReceipt = Selectable<NotificationReceiptsTable>;
export type NewNotificationReceipt = Insertable<NotificationReceiptsTable>;
export type ProvisioningRequestRow = Selectable<ProvisioningRequestsTable>;
export type ProvisioningStepRow = Selectable<ProvisioningStepsTable>;
