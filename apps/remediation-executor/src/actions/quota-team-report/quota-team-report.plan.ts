import { z } from 'zod';
import { type ActionRequested } from '@hub/contracts';
import { type PlannedCall } from '../action.js';
import { parseParams } from '../params.js';

/** The action kind (routing key `action.requested.quota.team-report`). */
export const QUOTA_TEAM_REPORT_KIND = 'quota.team-report';

const paramsSchema = z
  .object({
    /** The namespace label that names the owning team. */
    teamLabel: z
      .string()
      .regex(/^[A-Za-z0-9./_-]+$/, { error: 'must be a label key' })
      .default('team'),
    /** Only this team's namespaces (default: every team). */
    team: z.string().min(1).optional(),
  })
  .loose();

export type TeamReportParams = z.output<typeof paramsSchema>;

export function teamReportParamsOf(request: ActionRequested): TeamReportParams {
  return parseParams(request, paramsSchema);
}

/** The label selector of the namespaces the report covers. */
export function teamSelector(params: TeamReportParams): string {
  return params.team ? `${params.teamLabel}=${params.team}` : params.teamLabel;
}

/** What a report reads, for dry runs and the outbox. */
export function planTeamReport(request: ActionRequested): PlannedCall {
  const params = teamReportParamsOf(request);
  return {
    integration: 'kubernetes',
    operation: 'quota.team-report',
    request: {
      namespaces: { method: 'GET', path: '/api/v1/namespaces', query: { labelSelector: teamSelector(params) } },
      quotas: { method: 'GET', path: '/api/v1/namespaces/<namespace>/resourcequotas', for: 'each of them' },
    },
  };
}
