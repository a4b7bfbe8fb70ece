import { type ActionRequested } from '@hub/contracts';
import { FakeArgoWorkflows } from '@hub/testing';
import { ArgoWorkflowsClient } from './argo-workflows.client.js';
import { ArgoWorkflowsSubmitAction } from './argo-workflows-submit.action.js';
import { ArgoWorkflowTimeoutError } from './argo-workflows.errors.js';

const request = (actionId: string, target = 'backups/nightly-backup'): ActionRequested => ({
  actionId,
  kind: 'argo-workflows.submit',
  target,
  params: { parameters: { retentionDays: 30 } },
  dryRun: false,
});

describe(ArgoWorkflowsSubmitAction.name, () => {
  let argo: FakeArgoWorkflows;
  const context = { signal: new AbortController().signal, attempt: 1 };
  const action = (timeoutMs = 5_000, token = FakeArgoWorkflows.DEFAULT_TOKEN) =>
    new ArgoWorkflowsSubmitAction(new ArgoWorkflowsClient({ url: argo.url, token, requestTimeoutMs: 2_000 }), {
      timeoutMs,
      pollIntervalMs: 10,
    });

  beforeEach(async () => {
    argo = await new FakeArgoWorkflows().start();
    argo.addWorkflowTemplate('backups', 'nightly-backup');
  });

  afterEach(async () => {
    await argo.stop();
  });

  it('follows the workflow it already submitted when a run is resumed, instead of submitting a second one', async () => {
    const first = await action().run(request('a-1'), context);
    const resumed = await action().run(request('a-1'), { ...context, attempt: 2 });
    expect(argo.submits).toHaveLength(1);
    expect(resumed.details).toMatchObject({ workflow: first.details.workflow, resumed: true, phase: 'Succeeded' });
    await action().run(request('a-2'), context);
    expect(argo.submits).toHaveLength(2);
  });

  it('gives up following after its timeout without failing over to a second submit', async () => {
    argo.addWorkflowTemplate('backups', 'slow', { phases: ['Running'] });
    await expect(action(50).run(request('a-3', 'backups/slow'), context)).rejects.toBeInstanceOf(
      ArgoWorkflowTimeoutError,
    );
    expect(argo.submits).toHaveLength(1);
  });

  it('is refused with a wrong token, for good', async () => {
    await expect(action(5_000, 'wrong').run(request('a-4'), context)).rejects.toMatchObject({
      status: 401,
      retryable: false,
    });
  });
});
