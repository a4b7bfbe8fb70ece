import { parseQuantity } from '../actions/quota-team-report/quantity.js';
import { type ProvisioningSettings } from './provisioning.config.js';
import { type PlanRequest, refName } from './provisioning.request.js';

const MAX_NAMESPACE = 63;

/**
 * S3 policy, decided before anything runs: every reason a request may not be provisioned (empty
 * when it may). Which teams may ask (provisioning.yaml `teams`), their quota ceilings, where the
 * repository may live (`repositories` hosts and orgs), and, when teams.yaml lists the team's
 * `members`, that `requestedBy` is one of them. Every reason is given, not only the first.
 */
export function policyRefusals(request: PlanRequest, settings: ProvisioningSettings | undefined): string[] {
  if (!settings) return ['provisioning is not configured on this hub (no provisioning.yaml in HUB_CONFIG_DIR)'];
  const reasons: string[] = [];
  const team = request.ownerTeam;
  const policy = settings.file.teams[team];
  if (!settings.teams.has(team)) reasons.push(`ownerTeam "${team}" is not a team of ${settings.teams.source}`);
  else if (!policy) reasons.push(`team "${team}" may not request provisioning (not in provisioning.yaml teams)`);
  if (policy) {
    for (const resource of ['cpu', 'memory'] as const) {
      const asked = parseQuantity(request.quota[resource]);
      const ceiling = parseQuantity(policy.quotaCeiling[resource]);
      if (asked !== undefined && ceiling !== undefined && asked > ceiling) {
        reasons.push(
          `quota.${resource} ${request.quota[resource]} exceeds the ceiling of team "${team}" (${policy.quotaCeiling[resource]})`,
        );
      }
    }
    const pods = request.quota.pods;
    if (pods !== undefined && policy.quotaCeiling.pods !== undefined && pods > policy.quotaCeiling.pods) {
      reasons.push(`quota.pods ${pods} exceeds the ceiling of team "${team}" (${policy.quotaCeiling.pods})`);
    }
  }
  reasons.push(...repositoryRefusals(request.repositoryUrl, settings));
  if (settings.teams.has(team)) {
    const who = request.requestedBy ? refName(request.requestedBy) : undefined;
    const refused = settings.teams.refusesMember(team, who, 'requestedBy');
    if (refused) reasons.push(refused);
  }
  if (request.namespace.length > MAX_NAMESPACE) {
    reasons.push(`namespace "${request.namespace}" (appName-environment) is longer than ${MAX_NAMESPACE} characters`);
  }
  return reasons;
}

function repositoryRefusals(repositoryUrl: string, settings: ProvisioningSettings): string[] {
  const url = URL.canParse(repositoryUrl) ? new URL(repositoryUrl) : undefined;
  if (!url) return [`repositoryUrl "${repositoryUrl}" is not a URL`];
  const org = url.pathname.split('/').filter(Boolean)[0];
  const hosts = settings.file.repositories;
  const rule = hosts.find((r) => r.host === url.host);
  if (!rule) return [`repository host "${url.host}" is not allowed (allowed: ${hosts.map((r) => r.host).join(', ')})`];
  if (rule.orgs && (!org || !rule.orgs.includes(org))) {
    return [`repository organisation "${org ?? ''}" on ${url.host} is not allowed (allowed: ${rule.orgs.join(', ')})`];
  }
  return [];
}
