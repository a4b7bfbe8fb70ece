import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActionRequested } from '@hub/contracts';
import { FakeKubernetesCluster } from '@hub/testing';
import { loadRemediationExecutorConfig } from '../../remediation-executor.config.js';
import { InvalidActionParamsError } from '../action.errors.js';
import { loadKubernetesClients } from '../../kubernetes/kubernetes.clients.js';
import { createActions } from '../action.registry.js';
import { kubeConfigOf } from '../externalsecret-refresh/kubernetes.client.js';
import { KubernetesRequestError } from '../externalsecret-refresh/kubernetes.errors.js';
import { KubernetesApplyAction } from './kubernetes-apply.action.js';
import { KubernetesApplyClient } from './kubernetes-apply.client.js';
import { planKubernetesApply } from './kubernetes-apply.plan.js';

const request = (params: Record<string, unknown>, dryRun = false): ActionRequested => ({
  actionId: crypto.randomUUID(),
  kind: 'kubernetes.apply',
  target: 'payments-api',
  params,
  dryRun,
});

// As a sensor renders them: every string filled from the event, leaf by leaf.
const manifests = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments-api', labels: { team: 'payments' } } },
  {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'hub-defaults' },
    spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }] },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings' },
    data: { note: "'; rm -rf / {{ data.secret }}\nextra: field" },
  },
];

describe(KubernetesApplyAction.name, () => {
  let kube: FakeKubernetesCluster;
  const context = { signal: new AbortController().signal, attempt: 1 };
  const action = () =>
    new KubernetesApplyAction(new KubernetesApplyClient(kubeConfigOf({ apiUrl: kube.url, token: kube.token })!, 2_000));

  beforeEach(async () => {
    kube = await new FakeKubernetesCluster().start();
  });

  afterEach(async () => {
    await kube.stop();
  });

  it('applies every manifest server-side as field manager hub, fields the client models would drop kept', async () => {
    const outcome = await action().run(request({ manifests, namespace: 'payments-api' }), context);

    expect(kube.applies.map((a) => [a.path, a.fieldManager, a.dryRun, a.status])).toEqual([
      ['/api/v1/namespaces/payments-api', 'hub', false, 201],
      ['/api/v1/namespaces/payments-api/limitranges/hub-defaults', 'hub', false, 201],
      ['/api/v1/namespaces/payments-api/configmaps/settings', 'hub', false, 201],
    ]);
    expect(kube.requests.filter((r) => r.method === 'PATCH').map((r) => r.headers['content-type'])).toEqual(
      Array(3).fill('application/apply-patch+yaml'),
    );
    const limits = kube.storedObject('limitranges', 'payments-api', 'hub-defaults')?.spec as { limits: object[] };
    expect(limits.limits[0]).toEqual({ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } });
    // An event value is a string in a field: not parsed as YAML, not evaluated.
    expect(kube.storedObject('configmaps', 'payments-api', 'settings')?.data).toEqual(manifests[2]!.data);
    expect(outcome.details).toMatchObject({ fieldManager: 'hub', dryRun: false });
    expect((outcome.details.applied as object[]).map((a) => (a as { object: string }).object)).toEqual([
      'Namespace payments-api',
      'LimitRange payments-api/hub-defaults',
      'ConfigMap payments-api/settings',
    ]);
  });

  it('is idempotent: the same apply again updates in place, nothing made twice', async () => {
    await action().run(request({ manifests, namespace: 'payments-api' }), context);
    await action().run(request({ manifests, namespace: 'payments-api' }), context);

    expect(kube.applies.map((a) => a.status)).toEqual([201, 201, 201, 200, 200, 200]);
    expect(kube.existing('configmaps')).toEqual(['payments-api/settings']);
  });

  it('a dry run applies with dryRun=All and shows the objects; nothing is stored', async () => {
    await action().run(request({ manifests: manifests.slice(0, 1) }), context);
    const outcome = await action().run(request({ manifests, namespace: 'payments-api' }, true), {
      ...context,
      dryRun: true,
    });

    expect(kube.applies.slice(1).every((a) => a.dryRun)).toBe(true);
    expect(kube.requests.at(-1)?.query.get('dryRun')).toBe('All');
    expect(kube.existing('configmaps')).toEqual([]);
    const applied = outcome.details.applied as { manifest: { data?: unknown } }[];
    expect(applied[2]?.manifest.data).toEqual(manifests[2]!.data);
  });

  it('a field another manager owns is a permanent conflict unless force is set', async () => {
    await action().run(request({ manifests: manifests.slice(0, 1) }), context);
    // Someone else made it (a create: no apply manager).
    await fetch(`${kube.url}/api/v1/namespaces/payments-api/configmaps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${kube.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } }),
    });
    const conflicting = request({ manifests: [manifests[2]], namespace: 'payments-api' });

    const error = await action()
      .run(conflicting, context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubernetesRequestError);
    expect(error).toMatchObject({ status: 409, retryable: false });

    await action().run(request({ manifests: [manifests[2]], namespace: 'payments-api', force: true }), context);
    expect(kube.storedObject('configmaps', 'payments-api', 'settings')?.data).toEqual(manifests[2]!.data);
  });

  it('a 5xx is retryable', async () => {
    kube.failCreates(
      'configmaps',
      { status: 503, body: { kind: 'Status', message: 'busy', reason: 'ServiceUnavailable' } },
      1,
    );
    await action().run(request({ manifests: manifests.slice(0, 1) }), context);
    const error = await action()
      .run(request({ manifests: [manifests[2]], namespace: 'payments-api' }), context)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, retryable: true });
  });
});

describe(planKubernetesApply.name, () => {
  it('shows the manifests, their paths and the apply query (the outbox and dry runs without a cluster)', () => {
    expect(planKubernetesApply(request({ manifests: manifests.slice(0, 2), namespace: 'payments-api' }))).toEqual({
      integration: 'kubernetes',
      operation: 'manifests.apply',
      request: {
        method: 'PATCH',
        contentType: 'application/apply-patch+yaml',
        query: 'fieldManager=hub&force=false',
        objects: [
          { path: '/api/v1/namespaces/payments-api', manifest: manifests[0] },
          {
            path: '/api/v1/namespaces/payments-api/limitranges/hub-defaults',
            manifest: { ...manifests[1], metadata: { name: 'hub-defaults', namespace: 'payments-api' } },
          },
        ],
      },
    });
  });

  it('refuses bad names, unknown kinds, a namespaced object without a namespace, unknown params', () => {
    const bad = [
      { manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '../x' } }], namespace: 'a' },
      { manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'A_b' } }] },
      { manifests: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x', namespace: 'a' } }] },
      { manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }] },
      { manifests: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', namespace: 'a' } }] },
      { manifests: [], namespace: 'a' },
      { manifests: manifests.slice(0, 1), template: '{{ data.x }}' },
    ];
    for (const params of bad) {
      expect(() => planKubernetesApply(request(params)), JSON.stringify(params)).toThrow(InvalidActionParamsError);
    }
    expect(
      planKubernetesApply(
        request({
          manifests: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x', namespace: 'a' } }],
          resources: { 'example.com/v1/Widget': { plural: 'widgets', namespaced: true } },
        }),
      ).request.objects,
    ).toEqual([expect.objectContaining({ path: '/apis/example.com/v1/namespaces/a/widgets/x' })]);
  });
});

describe('kubernetes.apply in the registry', () => {
  it('without KUBE_API_URL or KUBECONFIG writes the manifests to outbox/kubernetes.jsonl and calls nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hub-apply-'));
    try {
      expect(await loadKubernetesClients({}, 2_000)).toBeUndefined();
      const actions = createActions(loadRemediationExecutorConfig({ HUB_DATA_DIR: dir }));
      const apply = actions.find((a) => a.kind === 'kubernetes.apply')!;
      const outcome = await apply.run(request({ manifests: manifests.slice(0, 1) }), {
        signal: new AbortController().signal,
        attempt: 1,
      });

      expect(outcome.dryRun).toBe(true);
      const line = JSON.parse((await readFile(join(dir, 'outbox', 'kubernetes.jsonl'), 'utf8')).trim()) as object;
      expect(JSON.stringify(line)).toContain('"path":"/api/v1/namespaces/payments-api"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('with KUBE_API_URL applies on the cluster', async () => {
    const kube = await new FakeKubernetesCluster().start();
    try {
      const config = loadRemediationExecutorConfig({ KUBE_API_URL: kube.url, KUBE_TOKEN: kube.token });
      const clients = await loadKubernetesClients({ apiUrl: kube.url, token: kube.token }, 2_000);
      const apply = createActions(config, clients).find((a) => a.kind === 'kubernetes.apply')!;
      await apply.run(request({ manifests: manifests.slice(0, 1) }), {
        signal: new AbortController().signal,
        attempt: 1,
      });
      expect(kube.applies.map((a) => a.status)).toEqual([201]);
    } finally {
      await kube.stop();
    }
  });
});
