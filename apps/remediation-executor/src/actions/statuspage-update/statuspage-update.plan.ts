import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { InvalidActionParamsError } from '../action.errors.js';

/** The action kind (routing key `action.requested.statuspage.update`). */
export const STATUSPAGE_UPDATE_KIND = 'statuspage.update';

/** Statuspage's component statuses. */
export const COMPONENT_STATUSES = [
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
] as const;

/**
 * Params of `statuspage.update` (S6): the target is the component id; `status` its new status;
 * `incident` (optional) opens a page incident when the status is not operational and resolves it
 * when it is. `incident.key` ties the two together (kept in the incident's metadata), so the
 * resolving action finds the incident the opening one made, and a retry never opens a second one.
 */
const paramsSchema = z
  .object({
    status: z.enum(COMPONENT_STATUSES, { error: `must be one of ${COMPONENT_STATUSES.join(', ')}` }),
    incident: z
      .object({
        key: z.string().min(1, { error: 'must name the incident (e.g. the hub incident key)' }),
        name: z.string().min(1).optional(),
        body: z.string().optional(),
        impact: z.enum(['none', 'minor', 'major', 'critical']).optional(),
      })
      .optional(),
  })
  .loose();

export type StatuspageUpdate = z.output<typeof paramsSchema> & { componentId: string };

/** The update a `statuspage.update` request asks for; throws InvalidActionParamsError for bad params. */
export function statuspageUpdateOf(request: ActionRequested): StatuspageUpdate {
  const parsed = paramsSchema.safeParse(request.params);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'} ${i.message}`).join('; ');
    throw new InvalidActionParamsError(`invalid statuspage.update params: ${problems}`, { params: request.params });
  }
  if (parsed.data.incident && parsed.data.status !== 'operational' && !parsed.data.incident.name) {
    throw new InvalidActionParamsError('statuspage.update params.incident.name is required to open an incident', {
      params: request.params,
    });
  }
  return { ...parsed.data, componentId: request.target };
}

/** The metadata that marks a page incident as the hub's for `key`. */
export function hubMetadata(key: string, actionId: string): Record<string, unknown> {
  return { hub: { key, action_id: actionId } };
}

/** What a `statuspage.update` sends: shown by dry runs and written to the outbox when Statuspage is not configured. */
export function planStatuspageUpdate(request: ActionRequested, pageId = '{page_id}'): PlannedCall {
  const update = statuspageUpdateOf(request);
  const page = `/v1/pages/${pageId}`;
  const calls: Record<string, unknown>[] = [
    {
      method: 'PATCH',
      path: `${page}/components/${update.componentId}`,
      body: { component: { status: update.status } },
    },
  ];
  const { incident } = update;
  if (incident && update.status !== 'operational') {
    calls.push({
      method: 'POST',
      path: `${page}/incidents`,
      unless: `an unresolved incident has metadata.hub.key = ${incident.key}`,
      body: { incident: openIncidentBody(update, request.actionId) },
    });
  } else if (incident) {
    calls.push({
      method: 'PATCH',
      path: `${page}/incidents/{each unresolved incident with metadata.hub.key = ${incident.key}}`,
      body: { incident: resolveIncidentBody(update) },
    });
  }
  return { integration: 'statuspage', operation: 'statuspage.update', request: { calls } };
}

export function openIncidentBody(update: StatuspageUpdate, actionId: string) {
  const incident = update.incident!;
  return {
    name: incident.name!,
    status: 'investigating' as const,
    ...(incident.body ? { body: incident.body } : {}),
    ...(incident.impact ? { impact_override: incident.impact } : {}),
    component_ids: [update.componentId],
    components: { [update.componentId]: update.status },
    metadata: hubMetadata(incident.key, actionId),
    deliver_notifications: true,
  };
}

export function resolveIncidentBody(update: StatuspageUpdate) {
  return {
    status: 'resolved' as const,
    body: update.incident?.body ?? 'Resolved.',
    components: { [update.componentId]: 'operational' },
  };
}
