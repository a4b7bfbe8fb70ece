import {
  type ActionRequested,
  createEvent,
  type HubEvent,
  type IncidentState,
  type NotificationRequested,
} from '@hub/contracts';
import { type Severity } from '../definitions/sensor.schema.js';
import { type ActionPlan } from '../matching/incident-plan.js';
import { type IncidentContext, type IncidentRow } from './sensor-database.js';

/** What a notification adds to the incident's own fields, severity and route. */
export interface NotificationExtras {
  readonly severity?: Severity;
  readonly route?: string;
  readonly fields?: Record<string, string>;
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
    mention: state === 'escalated',
  };
  return createEvent({
    type: 'notification.requested',
    source: sensorSource(incident.sensor),
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
