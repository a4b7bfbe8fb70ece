import { recordSpans } from '@hub/testing';
import { AM_TOKEN, type GatewayHarness, startGateway } from '../../__tests__/gateway.harness.js';

recordSpans('ingest-gateway-argocd-test');

/** The body the documented Argo CD webhook template renders for a successful sync. */
const succeeded = {
  app: 'payments-api',
  phase: 'Succeeded',
  revision: 'a1b2c3d4e5',
  health: 'Healthy',
  message: 'successfully synced (all tasks run)',
  finishedAt: '2026-11-23T08:00:00Z',
  namespace: 'payments',
  environment: '',
  team: 'payments',
  url: 'https://argocd.example.com/applications/argocd/payments-api',
};

describe('POST /v1/webhooks/argocd', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    gateway.app.inject({
      method: 'POST',
      url: '/v1/webhooks/argocd',
      payload: JSON.stringify(body),
      headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json', ...headers },
    });

  it('publishes deployment.completed with the revision, team and link; a retried webhook keeps its id', async () => {
    const first = await post(succeeded);
    expect(first.statusCode).toBe(202);
    const [received] = await gateway.received(1);
    expect(received?.event).toMatchObject({
      type: 'deployment.completed',
      source: '/argocd/notifications',
      subject: 'payments-api',
      hubsource: 'alertmanager',
      data: {
        app: 'payments-api',
        environment: 'payments',
        version: 'a1b2c3d4e5',
        team: 'payments',
        url: 'https://argocd.example.com/applications/argocd/payments-api',
      },
    });
    expect(received?.event.data).not.toHaveProperty('reason');
    const again = await post(succeeded);
    expect(again.json()).toEqual(first.json());
    const [retried] = await gateway.received(1);
    expect(retried?.event.id).toBe(received?.event.id);
  });

  it('publishes deployment.failed for Failed and Error, and for a Succeeded sync left Degraded', async () => {
    await post({ ...succeeded, phase: 'Failed', message: 'one or more objects failed to apply', environment: 'prod' });
    await post({ ...succeeded, health: 'Degraded', finishedAt: '2026-11-23T09:00:00Z' });
    const [failed, degraded] = await gateway.received(2);
    expect(failed?.event).toMatchObject({
      type: 'deployment.failed',
      data: { environment: 'prod', reason: 'one or more objects failed to apply' },
    });
    expect(degraded?.event).toMatchObject({ type: 'deployment.failed', data: { app: 'payments-api' } });
  });

  it('refuses a payload without app or with a running phase, listing each problem, and non-JSON bodies', async () => {
    const response = await post({ phase: 'Running' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      error: {
        code: 'VALIDATION_FAILED',
        details: [
          { path: 'app', problem: expect.any(String) as string },
          { path: 'phase', problem: 'must be Succeeded, Failed or Error' },
        ],
      },
    });
    expect((await post(succeeded, { 'content-type': 'text/plain' })).statusCode).toBe(415);
    expect((await post(succeeded, { authorization: 'Bearer nope' })).statusCode).toBe(403);
    expect(await gateway.unexpected()).toHaveLength(0);
  });
});
