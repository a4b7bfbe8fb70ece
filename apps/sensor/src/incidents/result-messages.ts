import { createEvent, type HubEvent, HubIssuer, type NotificationRequested } from '@hub/contracts';
import { type ResultMessage } from '../matching/success-plan.js';
import { sensorSource } from './incident-events.js';
import { type IncidentRow } from './sensor-database.js';

/**
 * A team message made from a remediation's result (`onSuccess.notify`): `kind: message`, keyed by
 * sensor, result event and entry (a redelivered result is the same message), sequence 0; the
 * envelope's `incidentkey` / `correlationid` tie it to the incident whose action produced it.
 */
export function resultMessageOf(
  incident: IncidentRow,
  result: HubEvent,
  message: ResultMessage,
): HubEvent<NotificationRequested> {
  const key = `${incident.sensor}/${result.id}${message.entry === undefined ? '' : `/${message.entry}`}`;
  const action = incident.context.action;
  return createEvent({
    type: 'notification.requested',
    source: sensorSource(incident.sensor),
    hubsource: HubIssuer.sensor,
    subject: key,
    data: {
      incidentKey: key,
      incidentId: incident.id,
      sequence: 0,
      state: 'firing',
      title: message.title,
      text: message.text,
      severity: message.severity,
      fields: { sensor: incident.sensor, ...(action ? { action: action.kind } : {}), ...message.fields },
      links: [],
      route: message.route,
      kind: 'message',
      ...(message.team ? { team: message.team } : {}),
      mention: false,
      ...(message.audience === 'stakeholders' ? { audience: 'stakeholders' as const } : {}),
    },
    incidentkey: incident.key,
    correlationid: incident.id,
  });
}
