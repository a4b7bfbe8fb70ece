import { FakeHttpServer, waitFor } from '@hub/testing';
import { ExecutorHarness } from './__tests__/executor.harness.js';

describe('http.request', () => {
  let hub: ExecutorHarness;
  let target: FakeHttpServer;
  let other: FakeHttpServer;
  let failures = 0;

  beforeAll(async () => {
    target = await new FakeHttpServer()
      .route('POST', /^\/v2\/enqueue$/, () => {
        if (failures > 0) {
          failures--;
          return { status: 503, headers: { 'retry-after': '0' }, body: { message: 'busy' } };
        }
        return { status: 202, body: { status: 'success' } };
      })
      .route('DELETE', /^\/gone$/, () => ({ status: 404, body: { message: 'no such thing' } }))
      .start();
    other = await new FakeHttpServer().start();
    process.env.HUB_SECRET_PAGER_TOKEN = 'pd-s3cret';
    hub = await ExecutorHarness.start({ HUB_HTTP_ALLOWED_HOSTS: new URL(target.url).host });
  });

  afterAll(async () => {
    delete process.env.HUB_SECRET_PAGER_TOKEN;
    await hub?.close();
    await target?.stop();
    await other?.stop();
  });

  const call = (params: Record<string, unknown>, targetName = 'checkout') =>
    hub.request('http.request', targetName, { params });

  it('calls an allowed host with secret headers, the JSON body filled with the target as text, and the action id as idempotency key', async () => {
    const request = await call({
      url: `${target.url}/v2/enqueue`,
      headers: { Authorization: { secret: 'PAGER_TOKEN', prefix: 'Token token=' }, 'X-Team': 'payments' },
      body: { routing_key: 'r1', payload: { summary: 'restart {{ target }}', source: '{{ target }}"; rm -rf /' } },
      expectStatus: [202],
    });
    const result = await hub.result(request.data.actionId);
    expect(result.routingKey).toBe('action.succeeded');
    const [sent] = target.find('POST', /\/v2\/enqueue/);
    expect(sent?.headers.authorization).toBe('Token token=pd-s3cret');
    expect(sent?.headers['x-team']).toBe('payments');
    expect(sent?.headers['idempotency-key']).toBe(request.data.actionId);
    expect(sent?.json).toEqual({
      routing_key: 'r1',
      payload: { summary: 'restart checkout', source: 'checkout"; rm -rf /' },
    });
  });

  it('retries a 503 with backoff, fails for good on a status it does not expect', async () => {
    failures = 1;
    const retried = await call({ url: `${target.url}/v2/enqueue`, body: {} });
    expect((await hub.result(retried.data.actionId)).event.data).toMatchObject({ attempts: 2 });
    const gone = await call({ method: 'DELETE', url: `${target.url}/gone` });
    const failed = await hub.result(gone.data.actionId);
    expect(failed.routingKey).toBe('action.failed');
    expect(failed.event.data).toMatchObject({ attempts: 1, reason: expect.stringContaining('answered 404') as string });
  });

  it('never calls a host outside the allowlist, nor sends a header whose secret is not set', async () => {
    const outside = await call({ url: `${other.url}/steal` });
    expect((await hub.result(outside.data.actionId)).event.data.reason).toContain('not in HUB_HTTP_ALLOWED_HOSTS');
    const missing = await call({ url: `${target.url}/v2/enqueue`, headers: { Authorization: { secret: 'NOPE' } } });
    expect((await hub.result(missing.data.actionId)).event.data.reason).toContain('set HUB_SECRET_NOPE');
    await waitFor('both results', () => hub.results.length >= 5);
    expect(other.requests).toEqual([]);
  });
});
