import { PROVISIONING_STEPS } from '@hub/contracts';
import { type ProvisioningRequestRow, type ProvisioningStepRow } from '@hub/database';

/** One step in the status answer. */
export interface StepStatus {
  readonly name: string;
  readonly status: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly attempts: number;
  readonly error?: string;
}

/** The answer of `GET /v1/requests/{id}` (and each item of `GET /v1/requests`). */
export interface RequestStatus {
  readonly id: string;
  readonly status: string;
  readonly appName: string;
  readonly ownerTeam: string;
  readonly repositoryUrl: string;
  readonly requestedBy: string | null;
  readonly environment: string | null;
  readonly source: string;
  readonly reasons: readonly string[];
  readonly steps: readonly StepStatus[];
  readonly traceId: string | null;
  readonly links: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

/** The URL of a request's status, relative to the gateway. */
export function statusUrlOf(id: string): string {
  return `/v1/requests/${encodeURIComponent(id)}`;
}

/**
 * Shapes the rows as the API's JSON. Before the executor has started the plan there are no step
 * rows yet: every step of the plan shows as `pending` (a rejected request shows none, it runs none).
 * Links are the self link plus those the steps recorded (`details.links`: Argo CD app, pull request).
 */
export function requestStatus(row: ProvisioningRequestRow, steps: readonly ProvisioningStepRow[]): RequestStatus {
  const shown: StepStatus[] =
    steps.length > 0
      ? steps.map((step) => ({
          name: step.name,
          status: step.status,
          startedAt: optionalIso(step.started_at),
          finishedAt: optionalIso(step.finished_at),
          attempts: step.attempts,
          ...(step.error ? { error: step.error } : {}),
        }))
      : row.status === 'rejected'
        ? []
        : PROVISIONING_STEPS.map((name) => ({
            name,
            status: 'pending',
            startedAt: null,
            finishedAt: null,
            attempts: 0,
          }));
  const links: Record<string, string> = { self: statusUrlOf(row.id) };
  for (const step of steps) {
    const stepLinks = (step.details as { links?: Record<string, unknown> }).links ?? {};
    for (const [name, url] of Object.entries(stepLinks)) if (typeof url === 'string') links[name] = url;
  }
  return {
    id: row.id,
    status: row.status,
    appName: row.app_name,
    ownerTeam: row.owner_team,
    repositoryUrl: row.repository_url,
    requestedBy: row.requested_by,
    environment: row.environment,
    source: row.source,
    reasons: row.reasons,
    steps: shown,
    traceId: row.trace_id,
    links,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    finishedAt: optionalIso(row.finished_at),
  };
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function optionalIso(value: Date | string | null): string | null {
  return value === null ? null : iso(value);
}
