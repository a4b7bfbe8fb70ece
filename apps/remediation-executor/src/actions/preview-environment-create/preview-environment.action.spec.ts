import { type ActionRequested } from '@hub/contracts';
import { FakeKubernetesCluster } from '@hub/testing';
import { InvalidActionParamsError } from '../action.errors.js';
import { kubeConfigOf } from '../externalsecret-refresh/kubernetes.client.js';
import { KubernetesObjectsClient } from '../../provisioning/kubernetes/kubernetes-objects.client.js';
import { ResourceConflictError } from '../../provisioning/provisioning.errors.js';
import { PreviewEnvironmentDeleteAction } from '../preview-environment-delete/preview-environment-delete.action.js';
import { planPreviewDelete } from '../preview-environment-delete/preview-environment-delete.plan.js';
import { PreviewEnvironmentCreateAction } from './preview-environment-create.action.js';
import { planPreviewCreate } from './preview-environment.plan.js';

const HEAD = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

const request = (
  kind: 'create' | 'delete',
  params: Record<string, unknown> = {},
  target = 'pr-42-payments-api',
): ActionRequested => ({
  actionId: crypto.randomUUID(),
  kind: `preview.environment.${kind}`,
  target,
  params: {
    app: 'payments-api',
    pr: '42',
    ...(kind === 'create' ? { repoURL: 'https://github.com/acme/payments-api', revision: HEAD } : {}),
    ...params,
  },
  dryRun: false,
});

describe('preview.environment.create / preview.environment.delete', () => {
  let cluster: FakeKubernetesCluster;
  let client: KubernetesObjectsClient;
  const context = { signal: new AbortController().signal, attempt: 1 };

  beforeEach(async () => {
    cluster = await new FakeKubernetesCluster().start();
    cluster.addNamespace('argocd');
    client = new KubernetesObjectsClient(kubeConfigOf({ apiUrl: cluster.url, token: cluster.token })!, 2_000);
  });

  afterEach(async () => {
    await cluster.stop();
  });

  it('creates the labelled namespace and an Argo CD Application for the head; a redelivery changes nothing', async () => {
    const create = new PreviewEnvironmentCreateAction(client);
    const first = await create.run(request('create', { team: 'payments' }), context);
    expect(first.details).toMatchObject({ created: { namespace: true, application: true }, revision: HEAD });
    expect(cluster.namespace('pr-42-payments-api')?.metadata.labels).toMatchObject({
      preview: 'true',
      app: 'payments-api',
      pr: '42',
      team: 'payments',
    });
    const app = cluster.storedObject('applications', 'argocd', 'pr-42-payments-api');
    expect(app).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      spec: {
        source: { repoURL: 'https://github.com/acme/payments-api', targetRevision: HEAD, path: '.' },
        destination: { namespace: 'pr-42-payments-api' },
      },
    });
    const again = await create.run(request('create', { team: 'payments' }), context);
    expect(again.details).toMatchObject({ created: { namespace: false, application: false } });
    expect(cluster.created('applications')).toHaveLength(1);
  });

  it('refuses a namespace that exists and is not this preview, for good', async () => {
    cluster.addNamespace('pr-7-payments-api', { team: 'payments' });
    const error = await new PreviewEnvironmentCreateAction(client)
      .run(request('create', { pr: 7 }, 'pr-7-payments-api'), context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceConflictError);
    expect(cluster.created('applications')).toHaveLength(0);
  });

  it('deletes the Application and the namespace at once; already gone is fine; another namespace never', async () => {
    await new PreviewEnvironmentCreateAction(client).run(request('create'), context);
    const remove = new PreviewEnvironmentDeleteAction(client);
    const outcome = await remove.run(request('delete'), context);
    expect(outcome.details).toMatchObject({ deleted: { application: true, namespace: true } });
    expect(cluster.storedObject('applications', 'argocd', 'pr-42-payments-api')).toBeUndefined();
    expect(cluster.existing('namespaces')).not.toContain('pr-42-payments-api');
    cluster.addNamespace('pr-43-payments-api');
    const refused = await remove
      .run(request('delete', { pr: 43 }, 'pr-43-payments-api'), context)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ResourceConflictError);
    expect(cluster.namespace('pr-43-payments-api')?.metadata.deletionTimestamp).toBeUndefined();
    const gone = await remove.run(request('delete', { pr: 44 }, 'pr-44-payments-api'), context);
    expect(gone.details).toMatchObject({ deleted: { application: false, namespace: false } });
  });

  it('plans the calls and refuses params that do not fit', () => {
    expect(planPreviewCreate(request('create'))).toMatchObject({
      integration: 'kubernetes',
      request: { creates: [{ kind: 'Namespace' }, { kind: 'Application', namespace: 'argocd' }] },
    });
    expect(planPreviewDelete(request('delete'))).toMatchObject({ request: { deletes: [{ kind: 'Application' }, {}] } });
    expect(() => planPreviewCreate(request('create', {}, '../kube-system'))).toThrow(InvalidActionParamsError);
    expect(() => planPreviewCreate(request('create', { app: 'a/b' }))).toThrow(InvalidActionParamsError);
    expect(() => planPreviewCreate(request('create', { revision: undefined }))).toThrow(/repoURL and revision/);
    expect(() => planPreviewDelete(request('delete', { pr: 'x' }))).toThrow(InvalidActionParamsError);
  });
});
