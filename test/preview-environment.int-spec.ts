import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { waitFor } from '@hub/testing';

const { GITHUB_SECRET, startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

const NAMESPACE = 'pr-42-payments-api';

const opened = JSON.parse(
  readFileSync(new URL('../examples/github/pull_request-opened.json', import.meta.url), 'utf8'),
) as { pull_request: Record<string, unknown> } & Record<string, unknown>;

/**
 * "Pull request opened → preview environment" end to end: GitHub signs `pull_request` opened → the
 * gateway publishes `git.pull_request.opened` → the shipped sensor `preview-environment` asks for
 * `preview.environment.create` → the executor makes the namespace (preview=true, app, pr) and the
 * Argo CD Application for the PR's head on the Kubernetes API fake; closing the PR removes both.
 */
describe('pull request → preview environment, removed when the PR closes (shipped sensors)', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
    hub.kubernetes.addNamespace('argocd');
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
        'x-github-event': 'pull_request',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(raw).digest('hex')}`,
      },
      body: raw,
    });
  };

  it('opens: a labelled namespace and an Argo CD Application for the head; closes: both gone at once', async () => {
    expect((await deliver(opened)).status).toBe(202);
    const app = await waitFor(
      'the preview Application',
      () => hub.kubernetes.storedObject('applications', 'argocd', NAMESPACE),
      { timeoutMs: 20_000 },
    );
    const head = (opened.pull_request.head as { sha: string }).sha;
    expect(app).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      spec: {
        source: { repoURL: 'https://github.com/acme/payments-api', targetRevision: head, path: 'deploy' },
        destination: { server: 'https://kubernetes.default.svc', namespace: NAMESPACE },
      },
    });
    expect(hub.kubernetes.namespace(NAMESPACE)?.metadata.labels).toMatchObject({
      preview: 'true',
      app: 'payments-api',
      pr: '42',
    });
    const closed = { ...opened, action: 'closed', pull_request: { ...opened.pull_request, state: 'closed' } };
    expect((await deliver(closed)).status).toBe(202);
    await waitFor(
      'the preview removed',
      () =>
        hub.kubernetes.storedObject('applications', 'argocd', NAMESPACE) === undefined &&
        !hub.kubernetes.existing('namespaces').includes(NAMESPACE),
      { timeoutMs: 20_000 },
    );
    const { rows } = await hub.schema.pool.query<{ kind: string; status: string }>(
      `SELECT kind, status FROM action_runs WHERE kind LIKE 'preview.environment.%' ORDER BY kind`,
    );
    expect(rows).toEqual([
      { kind: 'preview.environment.create', status: 'succeeded' },
      { kind: 'preview.environment.delete', status: 'succeeded' },
    ]);
    expect(hub.kubernetes.created('applications')).toHaveLength(1);
  });
});
