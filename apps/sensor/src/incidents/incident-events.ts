import {
  type ActionRequested,
  createEvent,
  type HubEvent,
  HubIssuer,
  type IncidentState,
  type NotificationRequested,
  type TicketRequested,
} from '@hub/contracts';
import { type Severity } from '../definitions/sensor.schema.js';
import { type ActionPlan } from '../matching/incident-plan.js';
import { type NotifyPlan } from '../kinds/notify/notify-plan.js';
import { type IncidentContext, type IncidentRow } from './sensor-database.js';

/** What a notification adds to the incident's own fields, severity and route. */
export interface NotificationExtras {
  readonly severity?: Severity;
  readonly route?: string;
  readonly fields?: Record<string, string>;
  /** Mention the on-call (default: on escalations). */
  readonly mention?: boolean;
  /** The human decision the notification reports (paging channels acknowledge on it). */
  readonly decision?: NotificationRequested['decision'];
}

/** `/sensor/<name>`: the CloudEvents source of everything a sensor publishes. */
export function sensorSource(sensor: string): string {
  return `/sensor/${encodeURIComponent(sensor)}`;
}

/**
 * The `notification.requested` of one state of an incident: its key, id and current sequence, the
 * fields and links kept in its context plus the state's own, and the envelope extensions
 * `incidentkey` / `correlationid` that tie it to the incident on the bus.
 */
export function notificationOf(
  incident: IncidentRow,
  state: IncidentState,
  text: string,
  extras: NotificationExtras = {},
): HubEvent<NotificationRequested> {
  const context = incident.context;
  const data: NotificationRequested = {
    incidentKey: incident.key,
    incidentId: incident.id,
    sequence: incident.sequence,
    state,
    title: incident.title,
    text,
    severity: extras.severity ?? context.severity,
    fields: { sensor: incident.sensor, ...context.fields, ...actionFields(context.action), ...extras.fields },
    links: [...context.links],
    route: extras.route ?? context.route,
    kind: 'incident',
    ...(context.team ? { team: context.team } : {}),
    mention: extras.mention ?? state === 'escalated',
    ...(extras.decision ? { decision: extras.decision } : {}),
  };
  return createEvent({
    type: 'notification.requested',
    source: sensorSource(incident.sensor),
    hubsource: HubIssuer.sensor,
    subject: incident.key,
    data,
    incidentkey: incident.key,
    correlationid: incident.id,
  });
}

/** The `action.requested.<kind>` of a remediation, under a fresh action id. */
export function actionRequestOf(
  incident: IncidentRow,
  actionId: string,
  action: ActionPlan,
): HubEvent<ActionRequested> {
  return createEvent({
    type: `action.requested.${action.kind}`,
    source: sensorSource(incident.sensor),
    hubsource: HubIssuer.sensor,
    subject: action.target,
    data: { actionId, kind: action.kind, target: action.target, params: action.params, dryRun: action.dryRun },
    incidentkey: incident.key,
    correlationid: incident.id,
  });
}

/** `argocd.sync payments-api`, `argocd.sync payments-api (dry run)`. */
export function describeAction(action: ActionPlan | undefined): string {
  if (!action) return 'the remediation';
  return `${action.kind} ${action.target}${action.dryRun ? ' (dry run)' : ''}`;
}

function actionFields(action: IncidentContext['action']): Record<string, string> {
  return action ? { action: action.kind, target: action.target, ...(action.dryRun ? { dryRun: 'true' } : {}) } : {};
}

/**
 * A notify sensor's one-off team message: `kind: message`, keyed by sensor and event id (so a
 * redelivered event is the same message), sequence 0, no incident behind it.
 */
export function messageOf(plan: NotifyPlan, event: HubEvent): HubEvent<NotificationRequested> {
  const key = `${plan.sensor}/${event.id}`;
  return createEvent({
    type: 'notification.requested',
    source: sensorSource(plan.sensor),
    hubsource: HubIssuer.sensor,
    subject: event.subject ?? key,
    data: {
      incidentKey: key,
      incidentId: event.id,
      sequence: 0,
      state: 'firing',
      title: plan.title,
      text: plan.text,
      severity: plan.severity,
      fields: { sensor: plan.sensor, ...plan.fields },
      links: [...plan.links],
      route: plan.route,
      kind: 'message',
      ...(plan.team ? { team: plan.team } : {}),
      mention: false,
    },
    incidentkey: key,
    ...(event.correlationid ? { correlationid: event.correlationid } : {}),
  });
}

/** One step of an incident's history, as a ticket shows it. */
export interface TimelineEntry {
  readonly at: string;
  readonly state: string;
  readonly text: string;
}

/** A history row as a timeline entry: its reason, why and action, in one line. */
export function timelineEntryOf(state: string, at: Date, detail: Record<string, unknown>): TimelineEntry {
  const action = typeof detail.kind === 'string' ? `${detail.kind} ${String(detail.target)}` : undefined;
  const text = [detail.reason, detail.why, action]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join(' — ');
  return { at: at.toISOString(), state, text };
}

/** The `ticket.requested` of an incident that has a `ticket:` (fingerprint = incident key). */
export function ticketOf(
  incident: IncidentRow,
  operation: 'open' | 'resolve',
  timeline: readonly TimelineEntry[],
  reason: string,
): HubEvent<TicketRequested> {
  const context = incident.context;
  const ticket = context.ticket;
  const team = ticket?.team ?? context.team;
  return createEvent({
    type: 'ticket.requested',
    source: sensorSource(incident.sensor),
    hubsource: HubIssuer.sensor,
    subject: incident.key,
    data: {
      operation,
      fingerprint: incident.key,
      incidentKey: incident.key,
      incidentId: incident.id,
      ...(team ? { team } : {}),
      state: incident.status as IncidentState,
      summary: incident.title,
      description: context.summary,
      severity: context.severity,
      labels: [...(ticket?.labels ?? [])],
      fields: { sensor: incident.sensor, ...context.fields, ...actionFields(context.action) },
      links: [...context.links],
      timeline: [...timeline],
      reason,
    },
    incidentkey: incident.key,
    correlationid: incident.id,
  });
}
