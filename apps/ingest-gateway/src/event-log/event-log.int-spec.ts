import { CLOUDEVENTS_JSON, REDACTED } from '@hub/contracts';
import { type Kysely } from 'kysely';
import { createDatabase, type EventLogTables, migrateToLatest } from '@hub/database';
import { createTestSchema, TcpProxy, type TestSchema } from '@hub/testing';
import { AM_TOKEN, type GatewayHarness, READ_TOKEN, startGateway } from '../__tests__/gateway.harness.js';

interface Page {
  count: number;
  events: { id: string; data: Record<string, unknown> }[];
  nextCursor: string | null;
}

/** `GET /v1/events` in front of a real PostgreSQL reached through a proxy that can be cut. */
describe('GET /v1/events (the read API)', () => {
  let schema: TestSchema;
  let db: Kysely<EventLogTables>;
  let proxy: TcpProxy;
  let gateway: GatewayHarness;
  /** Pages hold at most this many bytes of envelopes. */
  const budget = 300_000;

  beforeAll(async () => {
    schema = await createTestSchema();
    db = createDatabase(schema.url, 2).db as unknown as Kysely<EventLogTables>;
    await migrateToLatest(db);
    proxy = await new TcpProxy('127.0.0.1', 5432).start();
    const url = new URL(schema.url);
    url.port = String(proxy.port);
    gateway = await startGateway({ DATABASE_URL: url.toString(), GATEWAY_READ_MAX_BYTES: String(budget) });
  });

  afterAll(async () => {
    await gateway?.close();
    await proxy?.stop();
    await db?.destroy();
    await schema?.drop();
  });

  /** Records an event as the sensor would, received `ageMs` ago, with the sender's own `time`. */
  async function record(id: string, ageMs: number, time: string, data: Record<string, unknown> = {}) {
    const event = { specversion: '1.0', id, source: '/t', type: 'alert.firing', time, subject: 'k', data };
    await db
      .insertInto('event_log')
      .values({
        id,
        type: event.type,
        source: event.source,
        key: 'k',
        time,
        received_at: new Date(Date.now() - ageMs),
        event: JSON.stringify(event),
      })
      .execute();
  }

  const get = (query = '', token: string | null = READ_TOKEN) =>
    gateway.app.inject({
      method: 'GET',
      url: `/v1/events${query}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it('takes a read token only: an ingest token cannot read, a read token cannot ingest', async () => {
    expect((await get('', null)).statusCode).toBe(401);
    const ingestToken = await get('', AM_TOKEN);
    expect(ingestToken.statusCode).toBe(403);
    expect(ingestToken.json()).toMatchObject({
      error: { code: 'FORBIDDEN', message: expect.stringContaining('An ingest token may not read') as string },
    });
    expect((await get('')).statusCode).toBe(200);
    const ingest = await gateway.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${READ_TOKEN}`, 'content-type': CLOUDEVENTS_JSON },
      payload: JSON.stringify({ specversion: '1.0', id: 'r-1', source: '/r', type: 'service.degraded', data: {} }),
    });
    expect(ingest.statusCode).toBe(403);
  });

  it('sorts newest received first, whatever time the sender wrote, and redacts secrets', async () => {
    // The sender's clock says the opposite of the order the hub received them in.
    await record('old', 30_000, '2030-01-01T00:00:00Z');
    await record('new', 10_000, '2001-01-01T00:00:00Z', {
      headers: { Authorization: 'Bearer sk-live-123', accept: 'text/plain' },
      password: 'hunter2',
    });
    const page = (await get('?key=k')).json<Page>();
    expect(page.events.map((e) => e.id)).toEqual(['new', 'old']);
    expect(page.events[0]?.data).toEqual({
      headers: { Authorization: REDACTED, accept: 'text/plain' },
      password: REDACTED,
    });
    expect(page.nextCursor).toBeNull();
  });

  it('pages with a cursor, never more than the byte budget, and every event once', async () => {
    const big = 'x'.repeat(120_000);
    for (let i = 0; i < 7; i += 1) await record(`big-${i}`, 9_000 - i * 1_000, '2026-01-01T00:00:00Z', { big });
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const response = await get(`?key=k&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      expect(response.payload.length).toBeLessThan(budget + 10_000);
      const page: Page = response.json<Page>();
      expect(page.count).toBeGreaterThan(0);
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
      pages += 1;
    }
    expect(pages).toBeGreaterThanOrEqual(4); // 7 × 120 kB in pages of ≤ 300 kB
    expect(seen).toEqual(['big-6', 'big-5', 'big-4', 'big-3', 'big-2', 'big-1', 'big-0', 'new', 'old']);
    expect((await get('?limit=2')).json<Page>().events.map((e) => e.id)).toEqual(['big-6', 'big-5']);
    const bad = await get('?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(422);
    expect(bad.payload).toContain('query.cursor');
  });

  it('answers 503 with Retry-After while PostgreSQL is away, and reads again when it is back', async () => {
    await proxy.down();
    try {
      const response = await get();
      expect(response.statusCode).toBe(503);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      expect(response.json()).toMatchObject({ error: { code: 'EVENT_LOG_UNAVAILABLE' } });
    } finally {
      await proxy.up();
    }
    expect((await get()).statusCode).toBe(200);
  });
});
