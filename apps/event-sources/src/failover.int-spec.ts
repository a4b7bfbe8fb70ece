import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { KubernetesWatchFake } from '@hub/testing';
import { EventSourcesHarness } from './__tests__/event-sources.harness.js';
import { coreEvent, pod } from './__tests__/kubernetes.fixtures.js';

const main = new URL('./main.ts', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const source = `apiVersion: hub/v1
kind: Source
metadata: { name: cluster }
spec:
  kubernetes:
    events: { window: 1h }
    watches: [{ resource: pods }]
`;

describe('two event-sources processes on one cluster, database and broker', () => {
  let kube: KubernetesWatchFake;
  let hub: EventSourcesHarness;
  const children = new Map<string, ChildProcess>();

  beforeAll(async () => {
    kube = await new KubernetesWatchFake().start();
    hub = await EventSourcesHarness.start({ 'cluster.yaml': source });
  }, 60_000);

  afterAll(async () => {
    for (const child of children.values())
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await hub?.close();
    await kube?.stop();
  });

  async function startProcess(instance: string): Promise<void> {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: 'tsconfig.spec.json',
        ...hub.env(),
        KUBE_API_URL: kube.url,
        EVENT_SOURCES_INSTANCE: instance,
        EVENT_SOURCES_LEASE_TTL_MS: '2000',
        LOG_LEVEL: 'warn',
        HUB_METRICS_PORT: String(await freePort()),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.set(instance, child);
  }

  const holder = async () =>
    (await hub.schema.pool.query<{ holder: string }>(`SELECT holder FROM source_leases WHERE source = 'cluster'`))
      .rows[0]?.holder;

  it('the standby takes over when the leader is SIGKILLed mid-stream: no gap, each change decided once (one id), a repeat only of the event in flight', async () => {
    await startProcess('replica-a');
    await startProcess('replica-b');
    await vi.waitFor(async () => expect(await holder()).toMatch(/^replica-/), { timeout: 60_000, interval: 200 });
    await vi.waitFor(() => expect(kube.openWatches).toBe(2), { timeout: 30_000, interval: 100 });
    const total = 120;
    let killed: string | undefined;
    for (let i = 0; i < total; i++) {
      kube.apply(
        'events',
        coreEvent(`evt-${i}`, 'BackOff', 1, new Date(Date.UTC(2026, 11, 3, 10, 0, i % 60)).toISOString()),
      );
      if (i % 10 === 0) kube.apply('pods', pod('web-1', 5, i % 20 === 0 ? 'CrashLoopBackOff' : undefined));
      if (i === 40) {
        killed = await holder();
        children.get(killed!)!.kill('SIGKILL');
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const names = () =>
      hub.received
        .filter((m) => m.routingKey === 'kubernetes.event')
        .map((m) => (m.event.data as { name: string }).name);
    await vi.waitFor(() => expect(new Set(names()).size).toBe(total), { timeout: 30_000, interval: 200 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await holder()).not.toBe(killed);
    // No gap: every Event once by id. Each change was decided once: all copies of an Event carry
    // one id. A second copy of an id is possible only for the one event the leader had published
    // and not yet marked when it died (the outbox publishes one at a time); consumers drop it by id.
    const idsByName = new Map<string, Set<string>>();
    for (const m of hub.received.filter((r) => r.routingKey === 'kubernetes.event')) {
      const name = (m.event.data as { name: string }).name;
      idsByName.set(name, (idsByName.get(name) ?? new Set()).add(m.messageId));
    }
    expect([...idsByName.values()].every((ids) => ids.size === 1)).toBe(true);
    const copies = new Map<string, number>();
    for (const id of hub.ids()) copies.set(id, (copies.get(id) ?? 0) + 1);
    const repeated = [...copies].filter(([, n]) => n > 1);
    console.log(`failover: ${hub.received.length} messages, ${copies.size} ids, repeated: ${JSON.stringify(repeated)}`);
    expect(repeated.length).toBeLessThanOrEqual(1);
    expect(repeated.every(([, n]) => n === 2)).toBe(true);
    // The pod went crash-looping / recovered 12 times: each transition once (by id), in order.
    const podIds = [
      ...new Set(hub.received.filter((m) => m.routingKey.startsWith('kubernetes.pod.')).map((m) => m.messageId)),
    ];
    const typeOf = new Map(hub.received.map((m) => [m.messageId, m.routingKey]));
    expect(podIds.map((id) => typeOf.get(id))).toEqual(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 'kubernetes.pod.crashlooping' : 'kubernetes.pod.recovered')),
    );
  }, 120_000);
});
