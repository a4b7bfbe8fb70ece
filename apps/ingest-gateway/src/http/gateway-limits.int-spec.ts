import { connect } from 'node:net';
import { CLOUDEVENTS_JSON } from '@hub/contracts';
import {
  AM_TOKEN,
  alertmanagerExample,
  type GatewayHarness,
  READ_TOKEN,
  startGateway,
} from '../__tests__/gateway.harness.js';

/** `{"a":{"a":…{}…}}`, `levels` objects deep. */
function nested(levels: number): string {
  return '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
}

/** A CloudEvent whose JSON body is `depth` levels deep in all (the event itself is one). */
function eventOfDepth(depth: number): string {
  return `{"specversion":"1.0","id":"deep-${depth}","source":"/limits-test","type":"external.limits-test","data":${nested(depth - 1)}}`;
}

/** The example Alertmanager webhook with its alert's `name` label set to `name`. */
function alertmanagerWithName(name: string): Record<string, unknown> {
  const body = alertmanagerExample('argocd-unhealthy.json') as { alerts: { labels: Record<string, string> }[] };
  body.alerts[0]!.labels.name = name;
  return body;
}

describe('gateway limits', () => {
  let gateway: GatewayHarness;
  let port = 0;

  beforeAll(async () => {
    gateway = await startGateway({ GATEWAY_REQUEST_TIMEOUT_MS: '1000' });
    await gateway.app.listen(0, '127.0.0.1');
    const address = gateway.app.getHttpServer().address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const post = (url: string, payload: string, contentType: string) =>
    gateway.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': contentType },
    });

  describe('JSON nesting depth (GATEWAY_MAX_JSON_DEPTH, default 32)', () => {
    it('answers 400 naming the limit to a CloudEvent nested 10,000 levels deep, and publishes nothing', async () => {
      const response = await post('/v1/events', eventOfDepth(10_000), CLOUDEVENTS_JSON);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: {
          code: 'JSON_TOO_DEEP',
          message: 'The JSON body nests objects and arrays deeper than 32 levels (GATEWAY_MAX_JSON_DEPTH)',
        },
      });
    });

    it('answers 400 to an Alertmanager webhook with a deep array, before its schema is checked', async () => {
      const body = {
        ...alertmanagerExample('argocd-unhealthy.json'),
        extra: JSON.parse(`${'['.repeat(33)}${']'.repeat(33)}`),
      };
      const response = await post('/v1/webhooks/alertmanager', JSON.stringify(body), 'application/json');
      expect(response.statusCode).toBe(400);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('JSON_TOO_DEEP');
    });

    it('published nothing for them', async () => {
      expect(await gateway.unexpected()).toEqual([]);
    });

    it('takes a body exactly at the limit', async () => {
      const response = await post('/v1/events', eventOfDepth(32), CLOUDEVENTS_JSON);
      expect(response.statusCode).toBe(202);
      await gateway.received(1);
    });
  });

  describe('NUL characters (found by the fuzz suite: a lookup with %00 was a 503)', () => {
    it('answers 400 naming where, in a path parameter, the query and a JSON body, and publishes nothing', async () => {
      const get = (url: string) =>
        gateway.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${READ_TOKEN}` } });
      for (const [response, where] of [
        [await get('/v1/incidents/a%00b'), 'path.key'],
        [await get('/v1/events?key=a%00b'), 'query.key'],
        [
          await post(
            '/v1/events',
            JSON.stringify({
              specversion: '1.0',
              id: 'nul-1',
              source: '/limits-test',
              type: 'external.limits-test',
              data: { note: 'a\u0000b' },
            }),
            CLOUDEVENTS_JSON,
          ),
          'body.data.note',
        ],
        [
          await post(
            '/v1/webhooks/alertmanager',
            JSON.stringify(alertmanagerWithName('payments\u0000api')),
            'application/json',
          ),
          'body.alerts.0.labels.name',
        ],
      ] as const) {
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({
          error: { code: 'BAD_REQUEST', message: expect.stringContaining(`${where} contains a NUL character`) },
        });
      }
      expect(await gateway.unexpected()).toEqual([]);
    });

    it('takes the text \\u0000 (an escaped backslash, no NUL) in a JSON body', async () => {
      const response = await post(
        '/v1/webhooks/alertmanager',
        JSON.stringify(alertmanagerWithName('payments\\u0000api')),
        'application/json',
      );
      expect(response.statusCode).toBe(202);
      const [message] = await gateway.received(1);
      expect(message!.event.data).toMatchObject({ labels: { name: 'payments\\u0000api' } });
    });
  });

  describe('request timeout (GATEWAY_REQUEST_TIMEOUT_MS)', () => {
    it('cuts off a client that keeps sending its body a byte at a time and never finishes', async () => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      const started = Date.now();
      const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
      socket.write(
        'POST /v1/webhooks/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          `Authorization: Bearer ${AM_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":`,
      );
      const drip = setInterval(() => socket.writable && socket.write(' '), 200);
      try {
        const elapsed = await Promise.race([
          closed,
          new Promise<number>((resolve) => setTimeout(() => resolve(-1), 8_000)),
        ]);
        expect(elapsed).toBeGreaterThanOrEqual(900);
        expect(elapsed).toBeLessThan(3_500);
        expect(answer).toMatch(/^HTTP\/1\.1 408/);
      } finally {
        clearInterval(drip);
        socket.destroy();
      }
    });
  });
});
