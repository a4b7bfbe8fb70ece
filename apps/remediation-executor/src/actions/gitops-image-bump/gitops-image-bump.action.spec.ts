import { type ActionRequested } from '@hub/contracts';
import { FakeGitHub } from '@hub/testing';
import { GitHubClient } from '../../provisioning/github/github.client.js';
import { GitHubRequestError } from '../../provisioning/github/github.errors.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { GitOpsImageBumpAction } from './gitops-image-bump.action.js';
import { GitOpsFileError } from './gitops-image-bump.errors.js';
import { planImageBump } from './gitops-image-bump.plan.js';

const VALUES = `# payments-api in production
replicaCount: 3
image:
  repository: ghcr.io/acme/payments-api
  tag: "1.4.1" # bumped by the hub
  pullPolicy: IfNotPresent
containers:
  - name: api
    image: ghcr.io/acme/payments-api:1.4.1
`;
const FILE = 'apps/payments-api/values.yaml';

const request = (params: Record<string, unknown> = {}, target = 'acme/gitops'): ActionRequested => ({
  actionId: crypto.randomUUID(),
  kind: 'gitops.image-bump',
  target,
  params: { file: FILE, yamlPath: 'image.tag', image: 'ghcr.io/acme/payments-api', tag: '1.4.2', ...params },
  dryRun: false,
});

describe(GitOpsImageBumpAction.name, () => {
  let github: FakeGitHub;
  let action: GitOpsImageBumpAction;
  const context = { signal: new AbortController().signal, attempt: 1 };

  beforeEach(async () => {
    github = await new FakeGitHub().start();
    github.addRepo('acme/gitops', { files: { [FILE]: VALUES } });
    action = new GitOpsImageBumpAction(
      new GitHubClient({ url: github.url, token: github.token, requestTimeoutMs: 2_000 }),
    );
  });

  afterEach(async () => {
    await github.stop();
  });

  it('opens one pull request per tag that changes only the tag, comments kept; again: the same PR', async () => {
    const outcome = await action.run(request(), context);
    expect(outcome.details).toMatchObject({
      created: true,
      previous: '1.4.1',
      branch: 'hub/image-bump/payments-api-1.4.2',
    });
    expect(github.file('acme/gitops', 'hub/image-bump/payments-api-1.4.2', FILE)).toBe(
      VALUES.replace('tag: "1.4.1"', 'tag: "1.4.2"'),
    );
    expect(github.file('acme/gitops', 'main', FILE)).toBe(VALUES);
    const again = await action.run(request(), context);
    expect(again.details).toMatchObject({ created: false, pullRequest: { number: 1 } });
    expect(github.pulls('acme/gitops')).toEqual([
      expect.objectContaining({ title: 'Deploy ghcr.io/acme/payments-api:1.4.2', state: 'open' }),
    ]);
  });

  it('commits to the default branch in commit mode; an image reference in a list; at the tag already: nothing', async () => {
    const outcome = await action.run(
      request({ mode: 'commit', yamlPath: 'containers.0.image', value: 'image' }),
      context,
    );
    expect(outcome.details).toMatchObject({ committed: true, previous: 'ghcr.io/acme/payments-api:1.4.1' });
    expect(github.file('acme/gitops', 'main', FILE)).toContain('    image: ghcr.io/acme/payments-api:1.4.2\n');
    expect(github.file('acme/gitops', 'main', FILE)).toContain('tag: "1.4.1" # bumped by the hub');
    const same = await action.run(request({ mode: 'commit', yamlPath: 'containers.0.image', value: 'image' }), context);
    expect(same.details).toMatchObject({ changed: false });
    expect(github.pulls('acme/gitops')).toHaveLength(0);
  });

  it('fails for good on a missing file or path, and retries a GitHub 5xx', async () => {
    await expect(action.run(request({ file: 'nope.yaml' }), context)).rejects.toBeInstanceOf(GitOpsFileError);
    await expect(action.run(request({ yamlPath: 'image.digest' }), context)).rejects.toThrow(
      /no scalar value at image.digest/,
    );
    github.failNext('POST', /\/pulls$/, { status: 502, body: { message: 'Bad Gateway' } });
    const failed = await action.run(request(), context).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(GitHubRequestError);
    expect((failed as GitHubRequestError).retryable).toBe(true);
    expect(await action.run(request(), context)).toMatchObject({ details: { created: true } });
    expect(github.pulls('acme/gitops')).toHaveLength(1);
  });

  it('plans the change and refuses params that do not fit', () => {
    expect(planImageBump(request())).toMatchObject({
      integration: 'github',
      request: { repository: 'acme/gitops', value: '1.4.2', branch: 'hub/image-bump/payments-api-1.4.2' },
    });
    expect(() => planImageBump(request({}, 'gitops'))).toThrow(InvalidActionParamsError);
    expect(() => planImageBump(request({ tag: 'a b' }))).toThrow(InvalidActionParamsError);
    expect(() => planImageBump(request({ file: '../etc/passwd' }))).toThrow(InvalidActionParamsError);
    expect(() => planImageBump(request({ yamlPath: 'image..tag' }))).toThrow(InvalidActionParamsError);
  });
});
