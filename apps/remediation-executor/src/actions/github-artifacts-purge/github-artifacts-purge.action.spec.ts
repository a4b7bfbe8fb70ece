import { type ActionRequested } from '@hub/contracts';
import { FakeGitHub } from '@hub/testing';
import { GitHubClient } from '../../provisioning/github/github.client.js';
import { GitHubRequestError } from '../../provisioning/github/github.errors.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { GitHubArtifactsPurgeAction } from './github-artifacts-purge.action.js';
import { planArtifactsPurge } from './github-artifacts-purge.plan.js';

const NOW = new Date('2026-12-03T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

const request = (params: Record<string, unknown> = {}): ActionRequested => ({
  actionId: crypto.randomUUID(),
  kind: 'github.artifacts.purge',
  target: 'build-artifacts',
  params: { repositories: 'acme/payments-api, acme/ledger', maxAgeDays: '90', ...params },
  dryRun: false,
});

describe(GitHubArtifactsPurgeAction.name, () => {
  let github: FakeGitHub;
  let action: GitHubArtifactsPurgeAction;
  const context = { signal: new AbortController().signal, attempt: 1 };

  beforeEach(async () => {
    github = await new FakeGitHub().start();
    github.addRepo('acme/payments-api').addRepo('acme/ledger').addRepo('acme/other');
    // 130 artifacts: more than one page of 100.
    for (let i = 0; i < 120; i++)
      github.addArtifact('acme/payments-api', { name: `fresh-${i}`, createdAt: daysAgo(5) });
    github.addArtifact('acme/payments-api', { name: 'build-old', createdAt: daysAgo(120), sizeInBytes: 5000 });
    github.addArtifact('acme/ledger', { name: 'coverage-older', createdAt: daysAgo(200), sizeInBytes: 700 });
    github.addArtifact('acme/ledger', { name: 'just-under', createdAt: daysAgo(89) });
    github.addArtifact('acme/other', { name: 'not-configured', createdAt: daysAgo(400) });
    action = new GitHubArtifactsPurgeAction(
      new GitHubClient({ url: github.url, token: github.token, requestTimeoutMs: 2_000 }),
      () => NOW,
    );
  });

  afterEach(async () => {
    await github.stop();
  });

  it('deletes the artifacts older than 90 days of the configured repositories, each in the result', async () => {
    const outcome = await action.run(request(), context);
    expect(outcome.details).toMatchObject({
      listed: 123,
      deleted: [
        { repository: 'acme/ledger', name: 'coverage-older', ageDays: 200 },
        { repository: 'acme/payments-api', name: 'build-old', ageDays: 120 },
      ],
      freedBytes: 5700,
      leftForNextRun: 0,
    });
    expect(github.artifacts('acme/payments-api').map((a) => a.name)).not.toContain('build-old');
    expect(github.artifacts('acme/ledger').map((a) => a.name)).toEqual(['just-under']);
    expect(github.artifacts('acme/other')).toHaveLength(1);
  });

  it('caps the deletions per run (oldest first) and a dry run deletes nothing', async () => {
    const dry = await action.run(request(), { ...context, dryRun: true });
    expect(dry.details).toMatchObject({ wouldDelete: [{ name: 'coverage-older' }, { name: 'build-old' }] });
    expect(github.artifacts('acme/ledger')).toHaveLength(2);
    const capped = await action.run(request({ maxDeletions: 1 }), context);
    expect(capped.details).toMatchObject({ deleted: [{ name: 'coverage-older' }], leftForNextRun: 1 });
    expect(github.artifacts('acme/payments-api').map((a) => a.name)).toContain('build-old');
  });

  it('a GitHub failure is retryable; params that do not fit are refused', async () => {
    github.failNext('GET', /actions\/artifacts$/, { status: 500, body: { message: 'boom' } });
    const error = await action.run(request(), context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect((error as GitHubRequestError).retryable).toBe(true);
    expect(() => planArtifactsPurge(request({ repositories: 'nope' }))).toThrow(InvalidActionParamsError);
    expect(() => planArtifactsPurge(request({ maxAgeDays: '0' }))).toThrow(InvalidActionParamsError);
    expect(planArtifactsPurge(request())).toMatchObject({ integration: 'github', request: { maxDeletions: 200 } });
  });
});
