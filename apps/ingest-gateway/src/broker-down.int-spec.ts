import { CLOUDEVENTS_JSON } from '@hub/contracts';
import { AM_TOKEN, alertmanagerExample, type GatewayHarness, startGateway } from './__tests__/gateway.harness.js';

describe('ingest gateway while the broker is unreachable', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' }, { connected: false });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const post = (url: string, body: unknown, contentType = 'application/json') =>
    gateway.app.inject({
      method: 'POST',
      url,
      payload: JSON.stringify(body),
      headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': contentType },
    });

  it('answers 503 with Retry-After instead of accepting a webhook', async () => {
    const response = await post('/v1/webhooks/alertmanager', alertmanagerExample('argocd-unhealthy.json'));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toEqual({
      error: { code: 'BROKER_UNAVAILABLE', message: expect.stringContaining('retry') },
    });
  });

  it('answers 503 to CloudEvents too', async () => {
    const event = {
      specversion: '1.0',
      id: 'e-1',
      source: '/test',
      type: 'service.recovered',
      data: { service: 'checkout' },
    };
    const response = await post('/v1/events', event, CLOUDEVENTS_JSON);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
  });

  it('still validates before trying to publish', async () => {
    const response = await post('/v1/webhooks/alertmanager', { version: '4' });
    expect(response.statusCode).toBe(422);
  });

  it('is alive but not ready', async () => {
    expect((await gateway.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await gateway.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({
      error: { code: 'NOT_READY', message: expect.stringContaining('not connected to the broker') },
    });
  });
});
