import { parseTeams } from '@hub/config';
import { provisioningFileSchema, type ProvisioningSettings } from './provisioning.config.js';
import { policyRefusals } from './provisioning.policy.js';
import { type PlanRequest } from './provisioning.request.js';

const settings: ProvisioningSettings = {
  file: provisioningFileSchema.parse({
    teams: { payments: { quotaCeiling: { cpu: '8', memory: '16Gi', pods: 50 } } },
    repositories: [{ host: 'github.com', orgs: ['acme'] }, { host: 'git.internal:8443' }],
  }),
  teams: parseTeams(
    'defaultTeam: platform\nteams:\n  platform: {}\n  payments: { members: [alice, bob] }\n',
    'teams.yaml',
  ),
  pipelineTemplate: '',
  source: 'provisioning.yaml',
};

const request = (overrides: Partial<PlanRequest> = {}): PlanRequest => ({
  id: 'r-1',
  appName: 'payments-api',
  ownerTeam: 'payments',
  repositoryUrl: 'https://github.com/acme/payments-api',
  requestedBy: 'user:default/alice',
  quota: { cpu: '4', memory: '8Gi', pods: 30 },
  namespace: 'payments-api',
  ...overrides,
});

describe(policyRefusals.name, () => {
  it('lets an allowed request through', () => {
    expect(policyRefusals(request(), settings)).toEqual([]);
    expect(policyRefusals(request({ repositoryUrl: 'https://git.internal:8443/any/repo' }), settings)).toEqual([]);
    expect(policyRefusals(request({ quota: { cpu: '8000m', memory: '16Gi', pods: 50 } }), settings)).toEqual([]);
  });

  it('gives every reason at once', () => {
    expect(
      policyRefusals(
        request({
          repositoryUrl: 'https://github.com/evil/x',
          requestedBy: 'user:default/mallory',
          quota: { cpu: '9', memory: '17Gi', pods: 51 },
        }),
        settings,
      ),
    ).toEqual([
      'quota.cpu 9 exceeds the ceiling of team "payments" (8)',
      'quota.memory 17Gi exceeds the ceiling of team "payments" (16Gi)',
      'quota.pods 51 exceeds the ceiling of team "payments" (50)',
      'repository organisation "evil" on github.com is not allowed (allowed: acme)',
      'requestedBy "mallory" is not a member of team "payments"',
    ]);
  });

  it('refuses teams without a policy, unknown teams, missing requesters, and off provisioning', () => {
    expect(policyRefusals(request({ ownerTeam: 'platform' }), settings)).toEqual([
      'team "platform" may not request provisioning (not in provisioning.yaml teams)',
    ]);
    expect(policyRefusals(request({ ownerTeam: 'nobody' }), settings)[0]).toBe(
      'ownerTeam "nobody" is not a team of teams.yaml',
    );
    const { requestedBy: _, ...anonymous } = request();
    expect(policyRefusals(anonymous, settings)).toEqual(['requestedBy is required: team "payments" lists its members']);
    expect(policyRefusals(request(), undefined)[0]).toContain('provisioning is not configured');
  });
});
