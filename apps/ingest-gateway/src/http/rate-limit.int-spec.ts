import { CLOUDEVENTS_JSON } from '@hub/contracts';
import { AM_TOKEN, BS_TOKEN, type GatewayHarness, READ_TOKEN, startGateway } from '../__tests__/gateway.harness.js';

/** A per-token budget at the gateway: over it 429 + Retry-After, nothing published, others unaffected. */
describe('per-token rate limit', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway({ GATEWAY_RATE_LIMIT: '3', GATEWAY_RATE_LIMIT_WINDOW: '1m' });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  let sequence = 0;
  const send = (token: string) =>
    gateway.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${token}`, 'content-type': CLOUDEVENTS_JSON },
      payload: JSON.stringify({
        specversion: '1.0',
        id: `rl-${(sequence += 1)}`,
        source: '/probe',
        type: 'service.degraded',
        data: { service: 'checkout' },
      }),
    });

  it('answers 429 with Retry-After past the token’s budget, publishes nothing for it, and keeps other tokens and the probes going', async () => {
    for (let i = 0; i < 3; i += 1) expect((await send(AM_TOKEN)).statusCode).toBe(202);
    const limited = await send(AM_TOKEN);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', message: expect.stringContaining('ingest:alertmanager') as string },
    });

    expect((await send(BS_TOKEN)).statusCode).toBe(202); // its own budget
    const read = await gateway.app.inject({
      method: 'GET',
      url: '/v1/incidents/k',
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    expect(read.statusCode).not.toBe(429);
    for (let i = 0; i < 10; i += 1) {
      expect((await gateway.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    }
    expect((await gateway.received(4)).map((r) => r.event.id)).toEqual(['rl-1', 'rl-2', 'rl-3', 'rl-5']);
    expect(await gateway.unexpected()).toEqual([]);
  });
});
