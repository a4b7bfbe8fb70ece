import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RecordedCall } from '@hub/recorder';
import { ExecutorHarness } from './__tests__/executor.harness.js';

const readOutbox = async (dataDir: string, integration: string): Promise<RecordedCall[]> =>
  (await readFile(join(dataDir, 'outbox', `${integration}.jsonl`), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RecordedCall);

describe('target systems not configured: the outbox', () => {
  let hub: ExecutorHarness;

  beforeAll(async () => {
    hub = await ExecutorHarness.start({
      ARGOCD_URL: undefined,
      ARGOCD_TOKEN: undefined,
      KUBE_API_URL: undefined,
      KUBE_TOKEN: undefined,
    });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('writes the intended Argo CD sync to the outbox and reports a dry-run success', async () => {
    const request = await hub.request('argocd.sync', 'payments-api', { params: { appNamespace: 'team-a' } });
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.succeeded', data: { dryRun: true, attempts: 1 } });
    expect(String(event.data.details.note)).toContain('went to the outbox');
    expect(event.data.details.outbox).toBe(join(hub.dataDir, 'outbox', 'argocd.jsonl'));
    expect(await readOutbox(hub.dataDir, 'argocd')).toMatchObject([
      {
        integration: 'argocd',
        operation: 'application.sync',
        request: {
          actionId: request.data.actionId,
          method: 'POST',
          path: '/api/v1/applications/payments-api/sync',
          query: { appNamespace: 'team-a' },
          body: { name: 'payments-api', prune: false, dryRun: false },
        },
      },
    ]);
    expect(hub.argo.requests).toHaveLength(0);
  });

  it('writes the intended ExternalSecret patch to the kubernetes outbox', async () => {
    const request = await hub.request('externalsecret.refresh', 'payments/db-credentials');
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.succeeded', data: { dryRun: true } });
    const [entry] = await readOutbox(hub.dataDir, 'kubernetes');
    expect(entry).toMatchObject({
      operation: 'externalsecret.patch',
      request: {
        method: 'PATCH',
        path: '/apis/external-secrets.io/v1beta1/namespaces/payments/externalsecrets/db-credentials',
        contentType: 'application/merge-patch+json',
      },
    });
    expect(hub.kube.requests).toHaveLength(0);
  });
});

describe('HUB_DRY_RUN=true', () => {
  let hub: ExecutorHarness;

  beforeAll(async () => {
    hub = await ExecutorHarness.start({ HUB_DRY_RUN: 'true' });
    hub.argo.addApplication('payments-api');
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('sends nothing to a configured Argo CD and reports the dry run', async () => {
    const request = await hub.request('argocd.sync', 'payments-api');
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.succeeded', data: { dryRun: true, attempts: 0 } });
    expect(hub.argo.requests).toHaveLength(0);
  });
});
