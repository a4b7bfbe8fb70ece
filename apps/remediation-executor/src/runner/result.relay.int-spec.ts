import { waitFor } from '@hub/testing';
import { ExecutorHarness } from '../__tests__/executor.harness.js';
import { resultEventId } from './action-result.js';

describe('result relay', () => {
  let harness: ExecutorHarness;

  beforeAll(async () => {
    harness = await ExecutorHarness.start({ EXECUTOR_RESULT_RELAY_MS: '200' });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('marks a result published once the broker confirmed it', async () => {
    harness.argo.addApplication('relay-app');
    const request = await harness.request('argocd.sync', 'relay-app');
    await harness.result(request.data.actionId);
    // Marks are written in batches (within a quarter of the relay's delay here).
    await waitFor('the result marked published', async () =>
      Boolean((await harness.run(request.data.actionId))?.result_published_at),
    );
  });

  it('publishes the result of a finished run the broker never confirmed, under the same event id', async () => {
    const actionId = crypto.randomUUID();
    await harness.db
      .insertInto('action_runs')
      .values({
        action_id: actionId,
        kind: 'argocd.sync',
        target: 'lost-app',
        params: '{}',
        incident_key: 'fp-lost',
        status: 'succeeded',
        attempts: 1,
        details: '{}',
        started_at: new Date(Date.now() - 5_000),
        finished_at: new Date(Date.now() - 4_000),
        duration_ms: 1_000,
      })
      .execute();
    const { event, routingKey } = await harness.result(actionId);
    expect(routingKey).toBe('action.succeeded');
    expect(event).toMatchObject({ id: resultEventId(actionId), incidentkey: 'fp-lost', data: { target: 'lost-app' } });
    await waitFor('the relayed result marked published', async () =>
      Boolean((await harness.run(actionId))?.result_published_at),
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(harness.resultsOf(actionId)).toHaveLength(1);
  });
});
