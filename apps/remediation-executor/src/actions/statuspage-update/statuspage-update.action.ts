import { type ActionRequested } from '@hub/contracts';
import { type Action, type ActionContext, type ActionOutcome, type PlannedCall } from '../action.js';
import { type StatuspageClient, type StatuspageIncident } from './statuspage.client.js';
import {
  openIncidentBody,
  planStatuspageUpdate,
  resolveIncidentBody,
  STATUSPAGE_UPDATE_KIND,
  statuspageUpdateOf,
} from './statuspage-update.plan.js';

/**
 * `statuspage.update` (S6): sets a component's status on an Atlassian Statuspage page and, with
 * `params.incident`, opens a page incident (degraded) or resolves it (operational). Safe to retry:
 * the component update is a plain set, an incident is opened only when no unresolved incident
 * carries the same `metadata.hub.key`, and resolving resolves every unresolved one that does.
 */
export class StatuspageUpdateAction implements Action {
  readonly kind = STATUSPAGE_UPDATE_KIND;

  constructor(private readonly client: StatuspageClient) {}

  plan(request: ActionRequested): PlannedCall {
    return planStatuspageUpdate(request, this.client.pageId);
  }

  async run(request: ActionRequested, context: ActionContext): Promise<ActionOutcome> {
    const update = statuspageUpdateOf(request);
    await this.client.updateComponent(update.componentId, update.status, context.signal);
    const details: Record<string, unknown> = {
      pageId: this.client.pageId,
      componentId: update.componentId,
      status: update.status,
    };
    if (!update.incident) return { details };
    const key = update.incident.key;
    const open = (await this.client.unresolvedIncidents(context.signal)).filter((i) => keyOf(i) === key);
    if (update.status !== 'operational') {
      const existing = open[0];
      const incident =
        existing ?? (await this.client.createIncident(openIncidentBody(update, request.actionId), context.signal));
      return { details: { ...details, incident: { id: incident.id, status: incident.status, opened: !existing } } };
    }
    const resolved: string[] = [];
    for (const incident of open) {
      await this.client.updateIncident(incident.id, resolveIncidentBody(update), context.signal);
      resolved.push(incident.id);
    }
    return { details: { ...details, resolvedIncidents: resolved } };
  }
}

function keyOf(incident: StatuspageIncident): unknown {
  const hub = incident.metadata?.hub;
  return typeof hub === 'object' && hub !== null ? (hub as Record<string, unknown>).key : undefined;
}
