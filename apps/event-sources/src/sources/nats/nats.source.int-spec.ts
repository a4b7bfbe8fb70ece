import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { uniqueName } from '@hub/testing';
import { EventSourcesHarness } from '../../__tests__/event-sources.harness.js';

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('NATS JetStream bridge (real NATS, real RabbitMQ)', () => {
  const id = uniqueName('t').replace(/-/g, '');
  const stream = `HUBTEST_${id}`;
  const subject = `hubtest.${id}`;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let hub: EventSourcesHarness;

  const publish = (suffix: string, body: unknown, hdrs: Record<string, string> = {}, msgID?: string) => {
    const h = headers();
    for (const [k, v] of Object.entries(hdrs)) h.set(k, v);
    return jetstream(nc).publish(`${subject}.${suffix}`, JSON.stringify(body), {
      headers: h,
      ...(msgID ? { msgID } : {}),
    });
  };
  const consumerInfo = () => jsm.consumers.info(stream, `hub-orders-${id}`);

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${subject}.>`] });
    hub = await EventSourcesHarness.start({
      'orders.yaml': `apiVersion: hub/v1
kind: Source
metadata: { name: orders-${id} }
spec:
  nats:
    servers: ['${NATS_URL}']
    stream: ${stream}
    filterSubjects: ['${subject}.>']
    nakDelay: 300ms
    map: { type: external.orders.created, source: /shop/orders }
`,
    });
    await hub.startApp();
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await jsm?.streams.delete(stream).catch(() => undefined);
    await nc?.close();
  });

  it('bridges CloudEvents as they are and maps other payloads, the NATS message id being the event id; refuses internal types', async () => {
    await publish('a', { order: 1 }, {}, 'order-1');
    await publish('b', { order: 2 });
    await publish('c', {
      specversion: '1.0',
      id: 'ce-structured-1',
      source: '/billing',
      type: 'external.billing.paid',
      data: { amount: 3 },
      incidentkey: 'billing/3',
    });
    await publish(
      'd',
      { amount: 4 },
      {
        'ce-specversion': '1.0',
        'ce-id': 'ce-binary-1',
        'ce-source': '/billing',
        'ce-type': 'external.billing.refunded',
      },
    );
    await publish('e', {
      specversion: '1.0',
      id: 'forged-1',
      source: '/x',
      type: 'action.requested.argocd.sync',
      data: {},
    });
    await vi.waitFor(() => expect(hub.received).toHaveLength(4), { timeout: 15_000 });
    const byType = Object.fromEntries(hub.received.map((m) => [m.routingKey, m]));
    expect(byType['external.billing.paid']?.event).toMatchObject({
      id: 'ce-structured-1',
      source: '/billing',
      incidentkey: 'billing/3',
      data: { amount: 3 },
      hubsource: 'event-sources',
    });
    expect(byType['external.billing.refunded']?.event).toMatchObject({ id: 'ce-binary-1', data: { amount: 4 } });
    const mapped = hub.received.filter((m) => m.routingKey === 'external.orders.created');
    expect(mapped.map((m) => m.event.data)).toEqual(expect.arrayContaining([{ order: 1 }, { order: 2 }]));
    expect(mapped.find((m) => m.event.subject === `${subject}.a`)?.event).toMatchObject({
      source: '/shop/orders',
      data: { order: 1 },
    });
    expect(new Set(hub.ids()).size).toBe(4);
    // Acked (the forged internal command terminated): nothing pending in JetStream.
    await vi.waitFor(async () => {
      const info = await consumerInfo();
      expect(info.num_pending + info.num_ack_pending).toBe(0);
    });
    expect(hub.received.some((m) => m.routingKey.startsWith('action.'))).toBe(false);
  });

  it('keeps messages in JetStream while the broker is cut away (nak with delay), and delivers each once it is back', async () => {
    hub.received.length = 0;
    await hub.proxy.down();
    for (let i = 0; i < 10; i++) await publish('outage', { n: i }, {}, `outage-${id}-${i}`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(hub.received).toHaveLength(0);
    const during = await consumerInfo();
    expect(during.num_pending + during.num_ack_pending).toBe(10);
    await hub.proxy.up();
    await vi.waitFor(() => expect(new Set(hub.ids()).size).toBe(10), { timeout: 20_000, interval: 200 });
    expect(hub.received.map((m) => (m.event.data as { n: number }).n).sort((a, b) => a - b)).toEqual([
      ...Array(10).keys(),
    ]);
    await vi.waitFor(async () => {
      const info = await consumerInfo();
      expect(info.num_pending + info.num_ack_pending).toBe(0);
    });
    // Redeliveries keep their id: a duplicate on the bus (a lost confirm) would carry the same id.
    expect(hub.ids().every((i) => hub.received.filter((m) => m.messageId === i).length >= 1)).toBe(true);
  });

  it('shows the source connected on /readyz and its JetStream lag as a metric', async () => {
    const app = await hub.startApp();
    await app.app.listen(0, '127.0.0.1');
    const url = await app.app.getUrl();
    await vi.waitFor(async () => {
      const ready = (await (await fetch(`${url.replace('[::1]', '127.0.0.1')}/readyz`)).json()) as {
        sources: Record<string, { connected: boolean }>;
      };
      expect(ready.sources[`orders-${id}`]?.connected).toBe(true);
    });
    const metrics = await (await fetch(`${url.replace('[::1]', '127.0.0.1')}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`hub_source_lag\\{source="orders-${id}",kind="nats",unit="messages"\\} 0`));
    expect(metrics).toMatch(
      new RegExp(`hub_source_messages_total\\{source="orders-${id}",kind="nats",outcome="published"\\} \\d+`),
    );
  });
});
