import { CLOUDEVENTS_JSON, REDACTED } from '@hub/contracts';
import { createDatabase, type Database, migrateToLatest } from '@hub/database';
import { createTestSchema, recordSpans, type TestSchema } from '@hub/testing';
import { AM_TOKEN, type GatewayHarness, READ_TOKEN, startGateway } from '../__tests__/gateway.harness.js';

recordSpans('ingest-gateway-incidents-test');

const KEY = 'service/checkout';
const INCIDENT_ID = '6f1c1f5e-8d6e-4c35-a7a2-3b8f4f0c9d11';
const path = (key: string) => `/v1/incidents/${encodeURIComponent(key)}`;

describe('GET /v1/incidents/{key}', () => {
  let schema: TestSchema;
  let db: Database;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    schema = await createTestSchema();
    db = createDatabase(schema.url, 2).db;
    await migrateToLatest(db);
    gateway = await startGateway({ DATABASE_URL: schema.url });
  });

  afterAll(async () => {
    await gateway?.close();
    await db?.destroy();
    await schema?.drop();
  });

  /** GETs `url` with the bearer token (`null`: no Authorization header). */
  const get = (url: string, token: string | null = READ_TOKEN) =>
    gateway.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('asks for a read token: an ingest token may not read', async () => {
    expect((await get(path(KEY), null)).statusCode).toBe(401);
    expect((await get(path(KEY), 'not-a-token')).statusCode).toBe(403);
    const ingest = await get(path(KEY), AM_TOKEN);
    expect(ingest.statusCode).toBe(403);
    expect(ingest.payload).toContain('An ingest token may not read');
  });

  it('redacts secrets in labels, action details and receipts', async () => {
    const opened = new Date(Date.now() - 60_000);
    await db
      .insertInto('incidents')
      .values({
        id: '0c7d1f5e-8d6e-4c35-a7a2-3b8f4f0c9d22',
        key: 'secret/leak',
        sensor: 'slo-remediation',
        status: 'remediating',
        title: 'Leaky',
        labels: JSON.stringify({ app: 'pay', api_key: 'k-123' }),
        opened_at: opened,
        updated_at: opened,
        external_refs: '{}',
      })
      .execute();
    await db
      .insertInto('action_runs')
      .values({
        action_id: 'act-secret-1',
        kind: 'http.request',
        target: 'https://hooks.example/x',
        params: '{}',
        incident_key: 'secret/leak',
        status: 'succeeded',
        attempts: 1,
        details: JSON.stringify({ headers: { Authorization: 'Bearer abc' }, url: 'https://u:pw@hooks.example/' }),
        started_at: new Date(),
      })
      .execute();
    const body = (await get(path('secret/leak'))).json<{
      incident: { labels: Record<string, string> };
      actions: { details: Record<string, unknown> }[];
    }>();
    expect(body.incident.labels).toEqual({ app: 'pay', api_key: REDACTED });
    expect(body.actions[0]?.details).toEqual({
      headers: { Authorization: REDACTED },
      url: `https://u:${REDACTED}@hooks.example/`,
    });
  });

  it('answers 404 with the reason when the key is unknown', async () => {
    const response = await get(path('nobody/knows'));
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No incident or notification has the key "nobody/knows"' },
    });
    const wrongId = await get(`${path('nobody/knows')}?incident=inc-x`);
    expect(wrongId.statusCode).toBe(404);
    expect(wrongId.json()).toMatchObject({
      error: { message: expect.stringContaining('No incident inc-x') as string },
    });
  });

  it('shows the tickets of the key from the ticketing service, and says when there is none', async () => {
    await db
      .insertInto('incidents')
      .values({
        id: INCIDENT_ID,
        key: 'policy/privileged-pod',
        sensor: 'policy-violation',
        status: 'firing',
        title: 'Privileged pod',
        labels: '{}',
        opened_at: new Date(),
        updated_at: new Date(),
        external_refs: '{}',
      })
      .execute();
    expect((await get(path('policy/privileged-pod'))).json()).toMatchObject({
      incident: { id: INCIDENT_ID, status: 'firing' },
      ticket: { status: 'none', reason: 'no ticket was opened for this incident' },
      timeline: [],
    });
    await db
      .insertInto('tickets')
      .values({
        provider: 'jira',
        fingerprint: 'policy/privileged-pod',
        status: 'open',
        ticket_key: '10007',
        display_key: 'SEC-7',
        url: 'https://jira.example/browse/SEC-7',
        team: 'security',
        incident_key: 'policy/privileged-pod',
        resolution: null,
        last_event_id: null,
        created_at: new Date(),
        updated_at: new Date(),
        resolved_at: null,
      })
      .execute();
    expect((await get(path('policy/privileged-pod'))).json()).toMatchObject({
      ticket: {
        status: 'found',
        tickets: [{ provider: 'jira', key: 'SEC-7', status: 'open', team: 'security', resolvedAt: null }],
      },
    });
  });
});

describe('GET /v1/incidents/{key} without a database', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    // Nothing listens on port 1: every connection is refused.
    gateway = await startGateway({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/hub' });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers 503 with Retry-After, while readiness and ingest keep working', async () => {
    const response = await gateway.app.inject({
      method: 'GET',
      url: path(KEY),
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    expect(response.statusCode).toBe(503);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.json()).toMatchObject({
      error: { code: 'INCIDENTS_UNAVAILABLE', message: expect.stringContaining('ECONNREFUSED') as string },
    });

    expect((await gateway.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const ingest = await gateway.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': CLOUDEVENTS_JSON },
      payload: JSON.stringify({
        specversion: '1.0',
        id: 'deg-1',
        source: '/probe',
        type: 'service.degraded',
        data: { service: 'checkout' },
      }),
    });
    expect(ingest.statusCode).toBe(202);
    expect((await gateway.received(1))[0]?.event.id).toBe('deg-1');
  });
});
