import { request as httpRequest } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AM_TOKEN } from '../__tests__/gateway.harness.js';
import { type PushGateway, startPushGateway } from '../__tests__/push.harness.js';
import { webhookYaml } from '../__tests__/webhook-fixtures.js';
import { gatewayRoutes } from '../gateway.app.js';
import { PUBLIC_ROUTES, type RouteAccess } from './ingest-auth.hook.js';

/**
 * Walks every route the gateway registered and asks for it without a token, spelled the ways a
 * router may still match: percent-encoded, with doubled slashes, dot segments, another case, a
 * trailing slash or a query. Each must answer 401 — the raw URL is never what decides. Signed routes
 * (the push sources) take no token but answer an unsigned request 401 just the same: the gateway
 * runs with a webhook of every kind named `k-1`, so the exact spelling reaches the signature check.
 */
describe('authentication on the matched route', () => {
  let gateway: PushGateway;
  let port: number;
  let routes: readonly RouteAccess[];

  beforeAll(async () => {
    process.env.ROUTE_AUTH_SECRET = 'route-auth-secret-0001';
    gateway = await startPushGateway({
      env: { GITHUB_WEBHOOK_SECRET: 'route-auth-github-0001', GITLAB_WEBHOOK_TOKEN: 'route-auth-gitlab-0001' },
      webhooks: {
        'custom.yaml': webhookYaml.customHmac('k-1', 'ROUTE_AUTH_SECRET'),
        'sns.yaml': webhookYaml.sns('k-1', 'arn:aws:sns:eu-west-1:123456789012:orders'),
        'eventgrid.yaml': webhookYaml.eventgrid('k-1', 'ROUTE_AUTH_SECRET'),
        'pubsub.yaml': webhookYaml.pubsub(
          'k-1',
          'http://127.0.0.1:9/jwks',
          'https://hub.example.com',
          'push@p.iam.gserviceaccount.com',
        ),
      },
    });
    await gateway.app.listen(0, '127.0.0.1');
    port = (gateway.app.getHttpServer().address() as AddressInfo).port;
    routes = gatewayRoutes(gateway.app);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  /** Sends `path` byte for byte (no client-side normalisation) and returns the status. */
  function send(method: string, path: string, authorization?: string): Promise<number> {
    const body = method === 'GET' || method === 'HEAD' ? undefined : '{}';
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          headers: {
            'content-type': 'application/json',
            // Node frames an OPTIONS body neither by length nor by chunks unless told.
            ...(body ? { 'content-length': String(body.length) } : {}),
            ...(authorization ? { authorization } : {}),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('knows the routes it guards, and only the probes and the scrape are public', () => {
    const urls = new Set(routes.map((r) => r.url));
    for (const known of ['/v1/webhooks/alertmanager', '/v1/events', '/healthz', '/readyz', '/metrics']) {
      expect(urls).toContain(known);
    }
    expect(
      routes
        .filter((r) => r.access === 'public')
        .map((r) => r.url)
        .sort(),
    ).toEqual(
      routes
        .filter((r) => PUBLIC_ROUTES.has(r.url))
        .map((r) => r.url)
        .sort(),
    );
    expect(new Set(routes.filter((r) => r.access === 'public').map((r) => r.url))).toEqual(PUBLIC_ROUTES);
  });

  it('answers 401 without a token to every token-guarded route (ingest or read; the signed ones below), however its path is spelled', async () => {
    const guarded = routes.filter((r) => r.access === 'token' || r.access === 'read');
    expect(guarded.length).toBeGreaterThan(4);
    const failures: string[] = [];
    for (const route of guarded) {
      for (const path of spellings(concrete(route.url))) {
        const status = await send(route.method, path);
        if (status !== 401) failures.push(`${route.method} ${path} → ${status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('knows the signed routes: every push source, none of them public', () => {
    const signed = routes.filter((r) => r.access === 'signature').map((r) => `${r.method} ${r.url}`);
    expect(signed.sort()).toEqual(
      [
        'POST /v1/webhooks/github',
        'POST /v1/webhooks/gitlab',
        'POST /v1/webhooks/custom/:name',
        'POST /v1/webhooks/sns/:name',
        'POST /v1/webhooks/eventgrid/:name',
        'OPTIONS /v1/webhooks/eventgrid/:name',
        'POST /v1/webhooks/pubsub/:name',
        'POST /v1/webhooks/slack/interactions',
      ].sort(),
    );
  });

  it('answers 401 to an unsigned request to every signed route, however its path is spelled, with or without a token', async () => {
    const signed = routes.filter((r) => r.access === 'signature');
    const failures: string[] = [];
    for (const route of signed) {
      for (const path of spellings(concrete(route.url))) {
        for (const authorization of [undefined, `Bearer ${AM_TOKEN}`]) {
          const status = await send(route.method, path, authorization);
          // With a token, a spelling that is no route is a 404 (the ingest token was fine); the
          // signed route itself must still refuse: the ingest token is no signature.
          // A NUL (`%00`) is refused 400 before any handler (http/nul-text.hook.ts), the signature check included.
          const nul = path.endsWith('%00') && status === 400;
          if (status !== 401 && !nul && !(authorization && status === 404 && path !== concrete(route.url))) {
            failures.push(`${route.method} ${path}${authorization ? ' (token)' : ''} → ${status}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await gateway.unexpected()).toHaveLength(0);
  });

  it('the reported bypass: POST /%761/webhooks/alertmanager without a token is 401, with one it reaches the route', async () => {
    expect(await send('POST', '/%761/webhooks/alertmanager')).toBe(401);
    expect(await send('GET', '/%761/events')).toBe(401);
    expect(await send('GET', '/%761/incidents/some-key')).toBe(401);
    // With a token the same spelling is routed (the body is no webhook: 422), so the test above is
    // about authentication, not about a path the router would refuse anyway.
    expect(await send('POST', '/%761/webhooks/alertmanager', `Bearer ${AM_TOKEN}`)).toBe(422);
  });

  it('answers 401 without a token to URLs that match no route', async () => {
    for (const path of ['/', '/v2/events', '/admin', '/%2e%2e/etc/passwd', '/healthz/../v1/events']) {
      expect(`${path} → ${await send('GET', path)}`).toBe(`${path} → 401`);
    }
  });

  it('keeps the probes and the scrape open', async () => {
    expect(await send('GET', '/healthz')).toBe(200);
    expect(await send('GET', '/metrics')).toBe(200);
    expect([200, 503]).toContain(await send('GET', '/readyz'));
  });
});

/** A route pattern with its parameters filled in (`/v1/incidents/:key` → `/v1/incidents/k-1`). */
function concrete(url: string): string {
  return url.replace(/:[^/]+/g, 'k-1').replace(/\*/g, 'x');
}

/** The same path as a lenient router might still match it. */
function spellings(path: string): string[] {
  const segments = path.split('/').slice(1);
  const encodedFirst = segments.map((s) => `%${s.charCodeAt(0).toString(16)}${s.slice(1)}`);
  return [
    path,
    `/${encodedFirst.join('/')}`,
    `/${segments.map((s) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('')).join('/')}`,
    `/${path}`,
    path.replace(/\//g, '//'),
    `/x/..${path}`,
    `/./${segments.join('/./')}`,
    `/%2e${path}`,
    path.toUpperCase(),
    `${path}/`,
    `${path}?token=${AM_TOKEN}`,
    `${path};x=1`,
    `${path}%00`,
  ];
}
