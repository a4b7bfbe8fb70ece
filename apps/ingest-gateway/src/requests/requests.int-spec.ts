import { BS_TOKEN, type GatewayHarness, startGateway } from '../__tests__/gateway.harness.js';

const CONFIG_DIR = new URL('../../../../config', import.meta.url).pathname;
const body = {
  appName: 'payments-api',
  repositoryUrl: 'https://github.com/acme/payments-api',
  ownerTeam: 'payments',
};

describe('POST /v1/requests at the door (no database)', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    // Nothing listens on port 1: every connection to PostgreSQL is refused.
    gateway = await startGateway({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/hub', HUB_CONFIG_DIR: CONFIG_DIR });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    gateway.app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: { authorization: `Bearer ${BS_TOKEN}`, 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(payload),
    });

  it('needs the ingest token, JSON and a sane Idempotency-Key', async () => {
    expect((await gateway.app.inject({ method: 'POST', url: '/v1/requests', payload: body })).statusCode).toBe(401);
    expect((await post(body, { 'content-type': 'text/plain' })).statusCode).toBe(415);
    const key = await post(body, { 'idempotency-key': 'k'.repeat(201) });
    expect(key.statusCode).toBe(422);
    expect(key.json()).toMatchObject({ error: { details: [{ path: 'Idempotency-Key' }] } });
  });

  it('refuses unknown fields, naming them', async () => {
    const response = await post({ ...body, quotas: {} });
    expect(response.statusCode).toBe(422);
    expect(JSON.stringify(response.json())).toContain('quotas');
  });

  it('answers 503 with Retry-After when the request database is away, and publishes nothing', async () => {
    const response = await post(body);
    expect(response.statusCode).toBe(503);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.json()).toMatchObject({ error: { code: 'REQUESTS_UNAVAILABLE' } });
    expect(await gateway.unexpected()).toEqual([]);
    const status = await gateway.app.inject({
      method: 'GET',
      url: '/v1/requests/x',
      headers: { authorization: `Bearer ${BS_TOKEN}` },
    });
    expect(status.statusCode).toBe(503);
  });
});
