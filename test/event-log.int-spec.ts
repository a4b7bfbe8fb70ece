import { waitFor } from '@hub/testing';

const { alertWebhook, READ_TOKEN, startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

/** Every event the sensor consumes lands in the event log, and `GET /v1/events` reads it back. */
describe('event log: GET /v1/events', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  });

  const get = (query: string, token: string | null = READ_TOKEN) =>
    fetch(`${hub.gatewayUrl}/v1/events${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('lists recorded events by type, key and time, authenticated, and refuses a bad query with a reason', async () => {
    const labels = { alertname: 'SomethingElse', slo: 'none', severity: 'info', name: 'event-log-app' };
    expect((await hub.post(alertWebhook('firing', labels, 'fp-event-log'))).status).toBe(202);
    await waitFor('event recorded', async () => {
      const body = (await (await get('?key=fp-event-log')).json()) as { count: number };
      return body.count === 1;
    });
    const response = await get('?type=alert.firing&since=1h&key=fp-event-log');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { count: number; events: { type: string; data: { labels: object } }[] };
    expect(body.count).toBe(1);
    expect(body.events[0]).toMatchObject({ type: 'alert.firing', incidentkey: 'fp-event-log', data: { labels } });
    expect(((await (await get('?type=alert.resolved&key=fp-event-log')).json()) as { count: number }).count).toBe(0);

    expect((await get('', null)).status).toBe(401);
    const bad = await get('?since=yesterday&limit=0');
    expect(bad.status).toBe(422); // the gateway's status for input that parses but is invalid
    expect(JSON.stringify(await bad.json())).toMatch(/query\.since[\s\S]*ISO time[\s\S]*query\.limit/);
  });
});
