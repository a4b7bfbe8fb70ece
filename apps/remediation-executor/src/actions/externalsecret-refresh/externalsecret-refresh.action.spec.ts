import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActionRequested } from '@hub/contracts';
import { FakeKubernetesApi } from '@hub/testing';
import { ExternalSecretRefreshAction } from './externalsecret-refresh.action.js';
import { externalSecretRefOf } from './externalsecret-refresh.plan.js';
import { KubernetesClient, kubeConfigOf } from './kubernetes.client.js';
import { KubernetesNotFoundError, KubernetesRequestError, KubernetesUnreachableError } from './kubernetes.errors.js';

const request = (target: string, params: Record<string, unknown> = {}): ActionRequested => ({
  actionId: crypto.randomUUID(),
  kind: 'externalsecret.refresh',
  target,
  params,
  dryRun: false,
});

describe(ExternalSecretRefreshAction.name, () => {
  let kube: FakeKubernetesApi;
  const context = { signal: new AbortController().signal, attempt: 1 };
  const action = (token = FakeKubernetesApi.DEFAULT_TOKEN, version = 'v1beta1') =>
    new ExternalSecretRefreshAction(new KubernetesClient(kubeConfigOf({ apiUrl: kube.url, token })!, 2_000), version);

  beforeEach(async () => {
    kube = await new FakeKubernetesApi().start();
    kube.addExternalSecret('payments', 'db-credentials');
  });

  afterEach(async () => {
    await kube.stop();
  });

  it('merge-patches the force-sync annotation with the current Unix time', async () => {
    const before = Math.floor(Date.now() / 1_000);
    const outcome = await action().run(
      request('payments/db-credentials', { name: 'db-credentials', namespace: 'payments' }),
      context,
    );
    expect(kube.patches).toHaveLength(1);
    const [patch] = kube.patches;
    expect(patch).toMatchObject({
      group: 'external-secrets.io',
      version: 'v1beta1',
      namespace: 'payments',
      plural: 'externalsecrets',
      name: 'db-credentials',
      contentType: 'application/merge-patch+json',
    });
    const value = (patch?.body as { metadata: { annotations: Record<string, string> } }).metadata.annotations[
      'force-sync'
    ];
    expect(Number(value)).toBeGreaterThanOrEqual(before);
    expect(kube.externalSecret('payments', 'db-credentials')?.metadata.annotations).toEqual({ 'force-sync': value });
    expect(outcome.details).toMatchObject({
      externalSecret: 'payments/db-credentials',
      apiVersion: 'external-secrets.io/v1beta1',
      'force-sync': value,
      server: kube.url,
    });
  });

  it('speaks v1 when configured so', async () => {
    await action(FakeKubernetesApi.DEFAULT_TOKEN, 'v1').run(request('payments/db-credentials'), context);
    expect(kube.patches[0]?.version).toBe('v1');
  });

  it('fails for good on a missing ExternalSecret or a wrong token, and retryably on 500 and 429', async () => {
    const missing = await action()
      .run(request('payments/nope'), context)
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(KubernetesNotFoundError);
    expect((missing as Error).message).toContain('externalsecrets.external-secrets.io "nope" not found');

    await expect(action('wrong').run(request('payments/db-credentials'), context)).rejects.toMatchObject({
      retryable: false,
      status: 401,
    });

    kube.scriptPatches(FakeKubernetesApi.status(500, 'InternalError', 'etcdserver: request timed out'));
    await expect(action().run(request('payments/db-credentials'), context)).rejects.toMatchObject({
      retryable: true,
      status: 500,
    });

    kube.scriptPatches({
      ...FakeKubernetesApi.status(429, 'TooManyRequests', 'too many requests'),
      headers: { 'retry-after': '1' },
    });
    const limited = await action()
      .run(request('payments/db-credentials'), context)
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(KubernetesRequestError);
    expect(limited).toMatchObject({ retryable: true, retryAfterMs: 1_000 });
  });

  it('reaches the API server through a kubeconfig file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-kubeconfig-'));
    try {
      const path = join(dir, 'config');
      await writeFile(
        path,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          `- name: fake\n  cluster:\n    server: ${kube.url}\n    insecure-skip-tls-verify: true`,
          `users:\n- name: bot\n  user:\n    token: ${FakeKubernetesApi.DEFAULT_TOKEN}`,
          'contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: bot',
          'current-context: fake',
        ].join('\n'),
      );
      const client = new KubernetesClient(kubeConfigOf({ kubeconfigPath: path })!, 2_000);
      await new ExternalSecretRefreshAction(client, 'v1beta1').run(request('payments/db-credentials'), context);
      expect(kube.patches).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says the API server is unreachable when nothing listens', async () => {
    const url = kube.url;
    await kube.stop();
    const client = new KubernetesClient(kubeConfigOf({ apiUrl: url })!, 1_000);
    await expect(
      new ExternalSecretRefreshAction(client, 'v1beta1').run(request('payments/db-credentials'), context),
    ).rejects.toThrow(KubernetesUnreachableError);
    kube = await new FakeKubernetesApi().start();
  });
});

describe(externalSecretRefOf.name, () => {
  it('takes the target or the params, and rejects what is missing or contradictory', () => {
    const ref = { group: 'external-secrets.io', version: 'v1beta1', plural: 'externalsecrets' };
    expect(externalSecretRefOf(request('ns/es'), 'v1beta1')).toEqual({ ...ref, namespace: 'ns', name: 'es' });
    expect(externalSecretRefOf(request('es', { namespace: 'ns' }), 'v1beta1')).toEqual({
      ...ref,
      namespace: 'ns',
      name: 'es',
    });
    expect(() => externalSecretRefOf(request('es'), 'v1beta1')).toThrow('needs a target');
    expect(() => externalSecretRefOf(request('ns/es', { name: 'other' }), 'v1beta1')).toThrow('do not match');
  });
});
