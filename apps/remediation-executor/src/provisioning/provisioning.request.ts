import { type ProvisioningRequestRow } from '@hub/database';

/** A request as the plan uses it: the row's fields, the namespace and quota decided. */
export interface PlanRequest {
  readonly id: string;
  readonly appName: string;
  readonly ownerTeam: string;
  readonly repositoryUrl: string;
  readonly requestedBy?: string;
  readonly environment?: string;
  /** The requested quota, or the defaults of provisioning.yaml. */
  readonly quota: { readonly cpu: string; readonly memory: string; readonly pods?: number };
  /** `<appName>` or `<appName>-<environment>`: the namespace and the Argo CD Application's name. */
  readonly namespace: string;
}

/** Backstage refs (`group:default/payments`, `user:default/alice`) name `payments` and `alice`. */
export function refName(ref: string): string {
  return ref.replace(/^(?:group|user):(?:[^/]+\/)?/, '');
}

export function planRequestOf(row: ProvisioningRequestRow, defaultQuota: PlanRequest['quota']): PlanRequest {
  return {
    id: row.id,
    appName: row.app_name,
    ownerTeam: refName(row.owner_team),
    repositoryUrl: row.repository_url,
    ...(row.requested_by ? { requestedBy: row.requested_by } : {}),
    ...(row.environment ? { environment: row.environment } : {}),
    quota: row.quota ?? defaultQuota,
    namespace: row.environment ? `${row.app_name}-${row.environment}` : row.app_name,
  };
}
