import { CLOUDEVENTS_JSON } from '@hub/contracts';
import { SpanKind } from '@opentelemetry/api';
import type * as Supertest from 'supertest';
import { parentSpanId, recordSpans } from '@hub/testing';
import {
  AM_TOKEN,
  alertmanagerExample,
  BS_TOKEN,
  type GatewayHarness,
  startGateway,
} from './__tests__/gateway.harness.js';

const spans = recordSpans('ingest-gateway-test');
// Loaded after the telemetry has started: superagent loaded first keeps the server's span from being made.
const { default: request } = (await import('supertest')) as { default: typeof Supertest.default };

const deployment = {
  specversion: '1.0',
  id: 'deploy-1',
  source: '/ci/payments',
  type: 'deployment.completed',
  data: { app: 'payments-api', environment: 'prod' },
};

describe('ingest gateway over HTTP', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway({ GATEWAY_BODY_LIMIT: '4096' });
    await gateway.app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await gateway?.close();
  });

  /** Requests over a real socket (supertest on the listening server). */
  const http = () => request(gateway.app.getHttpServer());
  const post = (url: string, body: string, headers: Record<string, string> = {}) =>
    http()
      .post(url)
      .set({ authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json', ...headers })
      .send(body);

  describe('authentication', () => {
    const webhook = JSON.stringify(alertmanagerExample('argocd-unhealthy.json'));

    it('answers 401 with WWW-Authenticate without credentials', async () => {
      const response = await post('/v1/webhooks/alertmanager', webhook, { authorization: '' });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.body).toEqual({
        error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('Bearer') },
      });
    });

    it('answers 401 to credentials that are not a bearer token', async () => {
      const response = await post('/v1/events', JSON.stringify(deployment), {
        authorization: `Basic ${Buffer.from(`x:${BS_TOKEN}`).toString('base64')}`,
        'content-type': CLOUDEVENTS_JSON,
      });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('checks credentials before reading the body', async () => {
      const response = await http()
        .post('/v1/webhooks/alertmanager')
        .set('content-type', 'application/json')
        .send('{not json');
      expect(response.statusCode).toBe(401);
    });

    it('answers 403 to an unknown token', async () => {
      const response = await post('/v1/webhooks/alertmanager', webhook, { authorization: `Bearer ${AM_TOKEN}x` });
      expect(response.statusCode).toBe(403);
      expect(response.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } });
    });

    it('records the source of the token on the event', async () => {
      const response = await post('/v1/events', JSON.stringify(deployment), {
        authorization: `Bearer ${BS_TOKEN}`,
        'content-type': CLOUDEVENTS_JSON,
      });
      expect(response.statusCode).toBe(202);
      const [received] = await gateway.received(1);
      expect(received?.event).toMatchObject({ id: 'deploy-1', hubsource: 'backstage' });
    });
  });

  describe('bad input', () => {
    it('answers 400 to invalid JSON, on every JSON type', async () => {
      for (const [url, type] of [
        ['/v1/webhooks/alertmanager', 'application/json'],
        ['/v1/events', CLOUDEVENTS_JSON],
      ] as const) {
        const response = await post(url, '{"version": "4",', { 'content-type': type });
        expect(response.statusCode).toBe(400);
        expect(response.body).toEqual({ error: { code: 'INVALID_JSON', message: expect.any(String) } });
      }
    });

    it('answers 415 to a content type it does not read', async () => {
      const response = await post('/v1/events', '<event/>', { 'content-type': 'application/xml' });
      expect(response.statusCode).toBe(415);
      expect(response.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(response.body.error.message).toContain(CLOUDEVENTS_JSON);
    });

    it('answers 415 to a webhook that is not JSON', async () => {
      const response = await post('/v1/webhooks/alertmanager', 'alert!', { 'content-type': 'text/plain' });
      expect(response.statusCode).toBe(415);
      expect(response.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 413 to a body over the limit', async () => {
      const big = JSON.stringify({ ...deployment, data: { ...deployment.data, reason: 'x'.repeat(5_000) } });
      for (const type of ['application/json', CLOUDEVENTS_JSON, 'text/plain']) {
        const response = await post('/v1/events', big, { 'content-type': type });
        expect(response.statusCode).toBe(413);
        expect(response.body.error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('4096') });
      }
    });

    it('answers 404 to an unknown route in the same format (once authenticated)', async () => {
      const anonymous = await http().get('/v1/nothing');
      expect(anonymous.statusCode).toBe(401);
      const response = await http().get('/v1/nothing').set('authorization', `Bearer ${AM_TOKEN}`);
      expect(response.statusCode).toBe(404);
      expect(response.body).toEqual({
        error: { code: 'NOT_FOUND', message: expect.stringContaining('/v1/nothing') },
      });
    });

    it('reads binary-mode text data that is not JSON', async () => {
      const response = await post('/v1/events', 'not json', {
        'content-type': 'text/plain',
        'ce-specversion': '1.0',
        'ce-id': 'raw-1',
        'ce-source': '/raw',
        'ce-type': 'external.raw.text',
      });
      expect(response.statusCode).toBe(202);
      const [received] = await gateway.received(1);
      expect(received?.event).toMatchObject({ id: 'raw-1', data: 'not json', datacontenttype: 'text/plain' });
    });
  });

  it('published nothing for the rejected requests', async () => {
    expect(await gateway.unexpected()).toEqual([]);
  });

  describe('probes', () => {
    it('GET /healthz is 200', async () => {
      const response = await http().get('/healthz');
      expect(response.statusCode).toBe(200);
      expect(response.body).toEqual({ status: 'ok' });
    });

    it('GET /readyz is 200 once the publisher is connected', async () => {
      expect(gateway.publisher.ready).toBe(true);
      const response = await http().get('/readyz');
      expect(response.statusCode).toBe(200);
    });

    it('GET /metrics exposes publish and HTTP counters', async () => {
      const response = await http().get('/metrics');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      expect(response.text).toMatch(/hub_messages_published_total\{[^}]*outcome="confirmed"[^}]*\} [1-9]/);
      expect(response.text).toMatch(/hub_http_requests_total\{method="POST",route="\/v1\/events",status="202"\} [1-9]/);
      expect(response.text).toMatch(/hub_http_requests_total\{[^}]*status="401"\} [1-9]/);
      expect(response.text).toMatch(/hub_events_ingested_total\{source="backstage",type="[a-z.]+"\} [1-9]/);
    });
  });

  describe('with fetch', () => {
    it('accepts a webhook posted with fetch, in one trace from the HTTP span to the publish', async () => {
      const address = gateway.app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : 0;
      spans.reset();
      const response = await fetch(`http://127.0.0.1:${port}/v1/webhooks/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(alertmanagerExample('argocd-unhealthy.json')),
      });
      expect(response.status).toBe(202);
      const body = (await response.json()) as { ids: string[] };
      const [received] = await gateway.received(1);
      expect(received?.message.properties.messageId).toBe(body.ids[0]);

      const server = spans.spans().find((s) => s.kind === SpanKind.SERVER);
      const publish = spans.spans().find((s) => s.kind === SpanKind.PRODUCER);
      expect(server?.name).toBe('POST /v1/webhooks/alertmanager');
      expect(publish && parentSpanId(publish)).toBe(server?.spanContext().spanId);
      const traceId = server?.spanContext().traceId;
      expect(String(received?.message.properties.headers?.traceparent)).toContain(`-${traceId}-`);
    });
  });
});
