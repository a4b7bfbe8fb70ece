import { type ActionRequested } from '@hub/contracts';
import { FakeKubernetesApi } from '@hub/testing';
import { KubernetesClient, kubeConfigOf } from '../externalsecret-refresh/kubernetes.client.js';
import { KubernetesConflictError } from '../externalsecret-refresh/kubernetes.errors.js';
import { CertManagerCheckRenewAction } from './certmanager-check-renew.action.js';

const request = (params: Record<string, unknown>): ActionRequested => ({
  actionId: crypto.randomUUID(),
  kind: 'certmanager.check-renew',
  target: 'cluster',
  params,
  dryRun: false,
});

describe(CertManagerCheckRenewAction.name, () => {
  let kube: FakeKubernetesApi;
  const context = { signal: new AbortController().signal, attempt: 1 };
  const now = new Date('2026-05-04T06:00:00Z');
  const action = () =>
    new CertManagerCheckRenewAction(
      new KubernetesClient(kubeConfigOf({ apiUrl: kube.url, token: kube.token })!, 2_000),
      () => now,
    );

  beforeEach(async () => {
    kube = await new FakeKubernetesApi().start();
    kube
      .addCertificate('payments', 'api', { notAfter: new Date('2026-05-20T00:00:00Z') })
      .addCertificate('shop', 'web', { notAfter: new Date('2026-05-10T00:00:00Z') });
  });

  afterEach(async () => {
    await kube.stop();
  });

  it('checks one namespace when asked, with the threshold of the params', async () => {
    const outcome = await action().run(request({ namespace: 'shop', renewWithinDays: 7 }), context);
    expect(outcome.details).toMatchObject({
      scope: 'shop',
      checked: 1,
      renewed: [{ certificate: 'shop/web', daysLeft: 5 }],
    });
    expect(kube.patches.map((p) => `${p.namespace}/${p.name}`)).toEqual(['shop/web']);
  });

  it('sends the resourceVersion it read, so a Certificate changed meanwhile is a retryable conflict', async () => {
    kube.route('PATCH', /\/status$/, () =>
      FakeKubernetesApi.status(409, 'Conflict', 'Operation cannot be fulfilled: the object has been modified'),
    );
    await expect(action().run(request({ namespace: 'shop' }), context)).rejects.toBeInstanceOf(KubernetesConflictError);
  });

  it('rejects params that can never work', () => {
    expect(() => action().plan(request({ renewWithinDays: 0 }))).toThrow(/renewWithinDays: Too small/);
  });
});
