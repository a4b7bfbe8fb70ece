import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProvisioningSettings } from './provisioning.config.js';
import { InvalidProvisioningConfigError } from './provisioning.errors.js';

const TEAMS = `defaultTeam: platform
teams:
  platform: {}
  payments: { members: [alice] }
`;

describe(loadProvisioningSettings.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-provisioning-config-'));
    await writeFile(join(dir, 'teams.yaml'), TEAMS);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is off (undefined) without provisioning.yaml', async () => {
    expect(await loadProvisioningSettings(dir)).toBeUndefined();
  });

  it('loads the shipped config/ and its template', async () => {
    const settings = await loadProvisioningSettings(new URL('../../../../config', import.meta.url).pathname);
    expect(settings?.file.teams.payments?.quotaCeiling.cpu).toBe('8');
    expect(settings?.pipelineTemplate).toContain('{{ hub.appName }}');
  });

  it('lists every problem with its file, line and path', async () => {
    await writeFile(join(dir, 'pipeline.yaml'), 'name: {{ hub.appname }}\nrun: ${{ github.sha }}\n');
    await writeFile(
      join(dir, 'provisioning.yaml'),
      [
        'teams:',
        '  payments: { quotaCeiling: { cpu: lots, memory: 4Gi } }',
        '  ghosts: { quotaCeiling: { cpu: "1", memory: 1Gi } }',
        'repositories: []',
        'pipeline: { template: pipeline.yaml, pth: x }',
      ].join('\n'),
    );
    const error = await loadProvisioningSettings(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidProvisioningConfigError);
    const message = (error as Error).message;
    expect(message).toContain('provisioning.yaml:2 teams.payments.quotaCeiling.cpu: must be a Kubernetes quantity');
    expect(message).toContain('provisioning.yaml:4 repositories:');
    expect(message).toContain('provisioning.yaml:5 pipeline.pth: is not a field here');
  });

  it('checks teams against teams.yaml and placeholders of the template (GitHub expressions left alone)', async () => {
    await writeFile(join(dir, 'pipeline.yaml'), 'name: {{ hub.appname }}\nrun: ${{ github.sha }}\n');
    await writeFile(
      join(dir, 'provisioning.yaml'),
      'teams:\n  ghosts: { quotaCeiling: { cpu: "1", memory: 1Gi } }\nrepositories: [{ host: github.com }]\npipeline: { template: pipeline.yaml }\n',
    );
    const error = await loadProvisioningSettings(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidProvisioningConfigError);
    const message = (error as Error).message;
    expect(message).toContain('teams.ghosts: is not a team of');
    expect(message).toContain('{{ hub.appname }}: is no placeholder');
    expect(message).not.toContain('github.sha');
  });
});
