import { type IncidentRecord } from './timeline.repository.js';
import { type TicketSection } from './ticket-section.reader.js';

/** One entry of the merged timeline, oldest first. */
export interface TimelineEntry {
  readonly at: string;
  readonly type: 'state' | 'action' | 'notification';
  readonly summary: string;
  readonly ref: string;
}

/** The answer of `GET /v1/incidents/{key}`. */
export interface IncidentTimeline {
  readonly key: string;
  readonly incident: Record<string, unknown> | null;
  readonly otherIncidents: Record<string, unknown>[];
  readonly history: Record<string, unknown>[];
  readonly actions: Record<string, unknown>[];
  readonly notifications: Record<string, unknown>[];
  readonly ticket: TicketSection;
  readonly timeline: TimelineEntry[];
}

/** Shapes the rows as the API's JSON (camelCase, ISO times) and merges them into one timeline. */
export function incidentTimeline(key: string, record: IncidentRecord): IncidentTimeline {
  const { incident } = record;
  const history = record.history.map((h) => ({ at: iso(h.at), status: h.status, detail: h.detail }));
  const actions = record.actions.map((a) => ({
    actionId: a.action_id,
    kind: a.kind,
    target: a.target,
    status: a.status,
    attempts: a.attempts,
    dryRun: a.dry_run,
    reason: a.reason,
    details: a.details,
    startedAt: iso(a.started_at),
    finishedAt: a.finished_at ? iso(a.finished_at) : null,
    durationMs: a.duration_ms,
  }));
  const notifications = record.notifications.map((n) => ({
    eventId: n.event_id,
    incidentId: n.incident_id,
    kind: n.kind,
    team: n.team,
    destination: n.destination,
    channel: n.channel,
    mode: n.mode,
    operation: n.operation,
    target: n.target,
    conversation: n.conversation,
    messageTs: n.message_ts,
    httpStatus: n.http_status,
    state: n.state,
    sequence: n.sequence,
    detail: n.detail,
    sentAt: iso(n.sent_at),
  }));
  const timeline: TimelineEntry[] = [
    ...history.map((h) => ({ at: h.at, type: 'state' as const, summary: h.status, ref: h.status })),
    ...actions.flatMap((a) => [
      { at: a.startedAt, type: 'action' as const, summary: `${a.kind} ${a.target} started`, ref: a.actionId },
      ...(a.finishedAt
        ? [{ at: a.finishedAt, type: 'action' as const, summary: `${a.kind} ${a.target} ${a.status}`, ref: a.actionId }]
        : []),
    ]),
    ...notifications.map((n) => ({
      at: n.sentAt,
      type: 'notification' as const,
      summary: `${n.channel} ${n.operation} to ${n.target}${n.state ? ` (${n.state})` : ''}`,
      ref: n.eventId,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return {
    key,
    incident: incident
      ? {
          id: incident.id,
          key: incident.key,
          sensor: incident.sensor,
          status: incident.status,
          title: incident.title,
          labels: incident.labels,
          sequence: incident.sequence,
          fireCount: incident.fire_count,
          openedAt: iso(incident.opened_at),
          updatedAt: iso(incident.updated_at),
          lastFiredAt: optionalIso(incident.last_fired_at),
          remediatedAt: optionalIso(incident.remediated_at),
          escalatedAt: optionalIso(incident.escalated_at),
          resolvedAt: optionalIso(incident.resolved_at),
          externalRefs: incident.external_refs,
        }
      : null,
    otherIncidents: record.others.map((o) => ({
      id: o.id,
      status: o.status,
      openedAt: iso(o.opened_at),
      resolvedAt: optionalIso(o.resolved_at),
    })),
    history,
    actions,
    notifications,
    ticket: record.ticket,
    timeline,
  };
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function optionalIso(value: Date | string | null): string | null {
  return value === null ? null : iso(value);
}
