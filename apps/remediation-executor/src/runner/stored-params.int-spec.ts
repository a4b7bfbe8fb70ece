import { REDACTED } from '@hub/contracts';
import { ExecutorHarness } from '../__tests__/executor.harness.js';

/** What `action_runs` keeps of a request outlives it (the timeline API, backups): never a secret. */
describe('stored action params', () => {
  let hub: ExecutorHarness;

  beforeAll(async () => {
    hub = await ExecutorHarness.start();
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('redacts secrets in the params and details it records, and keeps the rest', async () => {
    const request = await hub.request('argocd.sync', 'payments-api', {
      params: { appNamespace: 'team-a', token: 'argocd-s3cret', headers: { Authorization: 'Bearer abc' } },
    });
    await hub.result(request.data.actionId);
    const run = await hub.run(request.data.actionId);
    expect(run?.params).toEqual({ appNamespace: 'team-a', token: REDACTED, headers: { Authorization: REDACTED } });
    expect(JSON.stringify(run)).not.toMatch(/argocd-s3cret|Bearer abc/);
  });
});
