import { uniqueName } from '@hub/testing';
import { EventSourcesHarness } from '../__tests__/event-sources.harness.js';

const MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

describe('sources side by side (real RabbitMQ, PostgreSQL, Mosquitto)', () => {
  const id = uniqueName('t').replace(/-/g, '');
  let hub: EventSourcesHarness;

  beforeAll(async () => {
    const doc = (name: string, spec: string) =>
      `apiVersion: hub/v1\nkind: Source\nmetadata: { name: ${name} }\nspec: ${spec}\n`;
    hub = await EventSourcesHarness.start({
      'a.yaml': doc('nowhere', `{ nats: { servers: ['nats://127.0.0.1:1'], stream: S } }`),
      'b.yaml': doc('cluster', `{ kubernetes: { watches: [{ resource: pods }] } }`),
      'c.yaml': doc(
        'iot',
        `{ mqtt: { url: '${MQTT_URL}', clientId: hub-${id}, topics: [{ filter: 'hubtest/${id}/#', type: external.iot.reading }] } }`,
      ),
    });
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
  });

  it('retries a source that cannot connect with growing backoff and says why on /readyz, while the others run', async () => {
    const { app, supervisor } = await hub.startApp();
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const reasons = new Set<string>();
    await vi.waitFor(
      () => {
        const reason = supervisor.status()['nowhere']?.reason ?? '';
        reasons.add(reason.replace(/.*\(retrying in (\d+) ms\)$/, '$1'));
        expect([...reasons]).toEqual(expect.arrayContaining(['200', '400', '800']));
      },
      { timeout: 15_000, interval: 20 },
    );
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    const ready = (await response.json()) as {
      sources: Record<string, { connected: boolean; reason?: string; leader: boolean }>;
    };
    expect(ready.sources['nowhere']).toMatchObject({ connected: false, leader: true, kind: 'nats' });
    expect(ready.sources['nowhere']?.reason).toMatch(
      /^NATS nats:\/\/127\.0\.0\.1:1 stream S: .+ \(retrying in \d+ ms\)$/,
    );
    expect(ready.sources['cluster']).toMatchObject({ connected: false, leader: true });
    expect(ready.sources['cluster']?.reason).toContain('no Kubernetes API configured: set KUBE_API_URL');
    expect(ready.sources['iot']).toMatchObject({ connected: true, leader: true, kind: 'mqtt' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const restarts = /hub_source_restarts_total\{source="nowhere",kind="nats"\} (\d+)/.exec(metrics);
    expect(Number(restarts?.[1])).toBeGreaterThanOrEqual(3);
    expect(metrics).toContain('hub_source_connected{source="iot",kind="mqtt"} 1');
    expect(metrics).toContain('hub_source_connected{source="nowhere",kind="nats"} 0');
    expect(metrics).toContain('hub_source_leader{source="iot",kind="mqtt"} 1');
  });

  it('answers 503 on /readyz, naming why, while the broker is away', async () => {
    const { app } = await hub.startApp();
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await hub.proxy.down();
    try {
      await vi.waitFor(async () => {
        const response = await fetch(`${url}/readyz`);
        expect(response.status).toBe(503);
        expect(((await response.json()) as { reason: string }).reason).toBe('not connected to the broker');
      });
    } finally {
      await hub.proxy.up();
    }
  });
});
