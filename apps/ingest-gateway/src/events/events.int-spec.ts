import { CLOUDEVENTS_BATCH_JSON, CLOUDEVENTS_JSON } from '@hub/contracts';
import { recordSpans } from '@hub/testing';
import { AM_TOKEN, BS_TOKEN, type GatewayHarness, startGateway } from '../__tests__/gateway.harness.js';
import { MAX_BATCH_SIZE } from './cloud-event.parser.js';

recordSpans('ingest-gateway-test');

const provisioning = {
  specversion: '1.0',
  id: 'prov-1',
  source: '/backstage/scaffolder',
  type: 'provisioning.requested',
  time: '2025-11-20T10:00:00Z',
  data: { appName: 'payments-api', repositoryUrl: 'https://git.example.com/payments/api', ownerTeam: 'payments' },
};

describe('POST /v1/events', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const post = (body: unknown, headers: Record<string, string>) =>
    gateway.app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { authorization: `Bearer ${BS_TOKEN}`, ...headers },
    });

  it('accepts a structured event, keeping its id and time', async () => {
    const response = await post(provisioning, { 'content-type': CLOUDEVENTS_JSON });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: 1, ids: ['prov-1'] });
    const [received] = await gateway.received(1);
    expect(received?.message.fields.routingKey).toBe('provisioning.requested');
    expect(received?.message.properties.messageId).toBe('prov-1');
    expect(String(received?.message.properties.headers?.traceparent)).toMatch(/^00-[0-9a-f]{32}-/);
    expect(received?.event).toMatchObject({
      ...provisioning,
      hubsource: 'backstage',
      datacontenttype: 'application/json',
    });
  });

  it('accepts a batch, publishing every event under its own routing key', async () => {
    const { time: _time, ...untimed } = provisioning;
    const batch = [
      { ...untimed, id: 'b-1' },
      { ...untimed, id: 'b-2', type: 'deployment.failed', data: { app: 'payments-api', environment: 'prod' } },
      { ...untimed, id: 'b-3', type: 'service.degraded', data: { service: 'checkout', message: 'slow' } },
    ];
    const response = await post(batch, { 'content-type': `${CLOUDEVENTS_BATCH_JSON}; charset=utf-8` });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: 3, ids: ['b-1', 'b-2', 'b-3'] });
    const received = await gateway.received(3);
    const keys = Object.fromEntries(received.map((r) => [r.event.id, r.message.fields.routingKey]));
    expect(keys).toEqual({
      'b-1': 'provisioning.requested',
      'b-2': 'deployment.failed',
      'b-3': 'service.degraded',
    });
    for (const { event } of received) expect(Date.parse(event.time)).not.toBeNaN();
  });

  it('accepts a binary-mode event', async () => {
    const response = await post(
      { service: 'checkout', message: 'p99 latency over SLO' },
      {
        'content-type': 'application/json; charset=utf-8',
        'ce-specversion': '1.0',
        'ce-id': 'bin-7',
        'ce-source': '/statuspage/probe',
        'ce-type': 'service.degraded',
        'ce-subject': 'checkout',
        'ce-incidentkey': 'checkout-latency',
      },
    );
    expect(response.statusCode).toBe(202);
    const [received] = await gateway.received(1);
    expect(received?.message.fields.routingKey).toBe('service.degraded');
    expect(received?.event).toMatchObject({
      id: 'bin-7',
      subject: 'checkout',
      incidentkey: 'checkout-latency',
      datacontenttype: 'application/json; charset=utf-8',
      data: { service: 'checkout', message: 'p99 latency over SLO' },
    });
  });

  it('rejects the whole batch with 422 when one event is bad, naming its index', async () => {
    const batch = [provisioning, { ...provisioning, id: 'prov-2', data: { appName: 'Bad Name' } }];
    const response = await post(batch, { 'content-type': CLOUDEVENTS_BATCH_JSON });
    expect(response.statusCode).toBe(422);
    const details = response.json<{ error: { details: { path: string }[] } }>().error.details;
    expect(details.map((d) => d.path)).toEqual(['1.data.appName', '1.data.repositoryUrl', '1.data.ownerTeam']);
  });

  it('answers 422 to a type outside the catalog and to missing attributes', async () => {
    const unknown = await post({ ...provisioning, type: 'pizza.ordered' }, { 'content-type': CLOUDEVENTS_JSON });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.details).toEqual([{ path: 'type', problem: expect.stringContaining('catalog') }]);
    const { source: _s, id: _i, ...partial } = provisioning;
    const missing = await post(partial, { 'content-type': CLOUDEVENTS_JSON });
    expect(missing.statusCode).toBe(422);
    const details = missing.json<{ error: { details: { path: string }[] } }>().error.details;
    expect(details.map((d) => d.path).sort()).toEqual(['id', 'source']);
  });

  it('answers 403 to an internal command, naming its type, even with a valid token', async () => {
    const forged = {
      ...provisioning,
      id: 'forged-1',
      type: 'action.requested.namespaces.cleanup-preview',
      data: {
        actionId: 'forged',
        kind: 'namespaces.cleanup-preview',
        target: 'everything',
        params: { labelSelector: 'team=payments' },
      },
    };
    const response = await post(forged, { 'content-type': CLOUDEVENTS_JSON });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toEqual({
      code: 'FORBIDDEN',
      message: expect.stringContaining('"action.requested.namespaces.cleanup-preview" is an internal event type'),
      details: [{ path: 'type', problem: expect.stringContaining('action.requested.namespaces.cleanup-preview') }],
    });
  });

  it('answers 403 to a batch that mixes external events with internal results and commands', async () => {
    const batch = [
      provisioning,
      { ...provisioning, id: 'forged-2', type: 'action.succeeded', data: {} },
      { ...provisioning, id: 'forged-3', type: 'schedule.fired.preview-cleanup', data: {} },
    ];
    const response = await post(batch, { 'content-type': CLOUDEVENTS_BATCH_JSON });
    expect(response.statusCode).toBe(403);
    const details = response.json<{ error: { details: { path: string; problem: string }[] } }>().error.details;
    expect(details.map((d) => d.path)).toEqual(['1.type', '2.type']);
    expect(response.json().error.message).toContain('"schedule.fired.preview-cleanup"');
  });

  it('answers 413 to a batch over the limit', async () => {
    const batch = Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => ({ ...provisioning, id: `many-${i}` }));
    const response = await post(batch, { 'content-type': CLOUDEVENTS_BATCH_JSON });
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toEqual({
      code: 'BATCH_TOO_LARGE',
      message: expect.stringContaining(`${MAX_BATCH_SIZE}`),
    });
  });

  it('answers 415 to JSON that is neither structured nor binary mode', async () => {
    const response = await post(provisioning, { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.message).toContain(CLOUDEVENTS_JSON);
  });

  it('published nothing for the rejected requests', async () => {
    expect(await gateway.unexpected()).toEqual([]);
  });
});

describe('POST /v1/events with external events turned off and no tokens', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway({ HUB_ACCEPT_EXTERNAL_EVENTS: 'false', HUB_INGEST_TOKENS: '' });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const post = (body: unknown) =>
    gateway.app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: JSON.stringify(body),
      headers: { 'content-type': CLOUDEVENTS_JSON },
    });

  it('refuses external.* events', async () => {
    const response = await post({ ...provisioning, type: 'external.github.push', data: {} });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.details[0].problem).toContain('HUB_ACCEPT_EXTERNAL_EVENTS');
  });

  it('accepts catalog events without credentials, as source "anonymous"', async () => {
    const response = await post(provisioning);
    expect(response.statusCode).toBe(202);
    const [received] = await gateway.received(1);
    expect(received?.event.hubsource).toBe('anonymous');
  });
});

describe('ingest with per-token type limits (HUB_INGEST_TOKEN_TYPES)', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway({ HUB_INGEST_TOKEN_TYPES: 'backstage=provisioning.requested,external.backstage.#' });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const post = (url: string, body: unknown, token: string, contentType = CLOUDEVENTS_JSON) =>
    gateway.app.inject({
      method: 'POST',
      url,
      payload: JSON.stringify(body),
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    });

  it("accepts the types of the token's list", async () => {
    const listed = await post('/v1/events', provisioning, BS_TOKEN);
    expect(listed.statusCode).toBe(202);
    const wildcard = await post(
      '/v1/events',
      { ...provisioning, id: 'ext-1', type: 'external.backstage.catalog.refreshed', data: {} },
      BS_TOKEN,
    );
    expect(wildcard.statusCode).toBe(202);
    expect((await gateway.received(2)).map((r) => r.event.type)).toEqual([
      'provisioning.requested',
      'external.backstage.catalog.refreshed',
    ]);
  });

  it('answers 403 naming the source and the type to an external type outside the list', async () => {
    const response = await post(
      '/v1/events',
      { ...provisioning, id: 'dep-1', type: 'deployment.failed', data: { app: 'payments-api', environment: 'prod' } },
      BS_TOKEN,
    );
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toContain('source "backstage" may not send "deployment.failed"');
  });

  it('applies the list to the webhooks too', async () => {
    const response = await post(
      '/v1/webhooks/argocd',
      { app: 'payments-api', phase: 'Failed', revision: 'abc', finishedAt: '2026-11-23T08:00:00Z' },
      BS_TOKEN,
      'application/json',
    );
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toContain('"deployment.failed"');
  });

  it('leaves a token without a list every external type', async () => {
    const response = await post(
      '/v1/events',
      { ...provisioning, id: 'dep-2', type: 'deployment.failed', data: { app: 'payments-api', environment: 'prod' } },
      AM_TOKEN,
    );
    expect(response.statusCode).toBe(202);
    expect((await gateway.received(1))[0]?.event).toMatchObject({ id: 'dep-2', hubsource: 'alertmanager' });
  });

  it('published nothing for the refused requests', async () => {
    expect(await gateway.unexpected()).toEqual([]);
  });
});
