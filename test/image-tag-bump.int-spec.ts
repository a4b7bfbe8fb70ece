import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { waitFor } from '@hub/testing';

const { GITHUB_SECRET, startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

const FILE = 'apps/payments-api/values.yaml';
const VALUES = `# payments-api, production (Argo CD syncs this folder)
image:
  repository: ghcr.io/acme/payments-api
  tag: 1.3.9 # set by the hub's image-tag-bump sensor
resources:
  limits: { cpu: 500m }
`;

const published = JSON.parse(
  readFileSync(new URL('../examples/github/registry_package-published.json', import.meta.url), 'utf8'),
) as unknown;

/**
 * "Image pushed → update the image tag in the GitOps repo" end to end: GitHub signs a
 * `registry_package` published → the gateway publishes `registry.image.pushed` → the shipped
 * sensor `image-tag-bump` asks for `gitops.image-bump` → the executor opens a pull request on the
 * GitHub fake's `acme/gitops` that changes only the tag; the same push again opens no second PR.
 */
describe('image pushed → GitOps pull request bumping the tag (shipped sensor)', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
    hub.github.addRepo('acme/gitops', { files: { [FILE]: VALUES } });
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  });

  const deliver = (body: unknown) => {
    const raw = JSON.stringify(body);
    return fetch(`${hub.gatewayUrl}/v1/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'registry_package',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(raw).digest('hex')}`,
      },
      body: raw,
    });
  };

  it('opens one pull request per tag that changes the tag and nothing else', async () => {
    expect((await deliver(published)).status).toBe(202);
    const pull = await waitFor('the GitOps pull request', () => hub.github.pulls('acme/gitops')[0], {
      timeoutMs: 20_000,
    });
    expect(pull).toMatchObject({
      title: 'Deploy ghcr.io/acme/payments-api:1.4.0',
      state: 'open',
      base: 'main',
    });
    expect(hub.github.file('acme/gitops', 'hub/image-bump/payments-api-1.4.0', FILE)).toBe(
      VALUES.replace('tag: 1.3.9', 'tag: 1.4.0'),
    );
    expect(hub.github.file('acme/gitops', 'main', FILE)).toBe(VALUES);

    // The same tag pushed again once the first bump's incident resolved: a new incident, a new
    // run — which finds the open pull request and writes nothing.
    await waitFor(
      'the first incident resolved',
      async () => {
        const { rows } = await hub.schema.pool.query(
          `SELECT 1 FROM incidents WHERE sensor = 'image-tag-bump' AND resolved_at IS NOT NULL`,
        );
        return rows.length === 1;
      },
      { timeoutMs: 20_000 },
    );
    expect((await deliver(published)).status).toBe(202);
    await waitFor(
      'the second bump done',
      async () => {
        const { rows } = await hub.schema.pool.query<{ status: string }>(
          `SELECT status FROM action_runs WHERE kind = 'gitops.image-bump' AND status = 'succeeded'`,
        );
        return rows.length === 2;
      },
      { timeoutMs: 20_000 },
    );
    expect(hub.github.pulls('acme/gitops')).toHaveLength(1);
    const { rows } = await hub.schema.pool.query<{ details: Record<string, unknown> }>(
      `SELECT details FROM action_runs WHERE kind = 'gitops.image-bump' ORDER BY finished_at`,
    );
    expect(rows.map((r) => r.details.created)).toEqual([true, false]);
  });
});
