import { KubernetesWatchFake } from '@hub/testing';
import { EventSourcesHarness } from '../../__tests__/event-sources.harness.js';
import { clusterSource, coreEvent, deployment, node, pod, quota } from '../../__tests__/kubernetes.fixtures.js';
import { type EventSourcesApp } from '../../event-sources.app.js';

describe('Kubernetes watch source (loopback watch API, real RabbitMQ and PostgreSQL)', () => {
  let kube: KubernetesWatchFake;
  let hub: EventSourcesHarness;
  let app: EventSourcesApp;

  const types = () => hub.received.map((m) => m.routingKey);
  const count = (type: string) => types().filter((t) => t === type).length;
  const position = async (watch: string) =>
    (
      await hub.schema.pool.query<{ resource_version: string }>(
        'SELECT resource_version FROM watch_positions WHERE source = $1 AND watch = $2',
        ['cluster', watch],
      )
    ).rows[0]?.resource_version;
  const connected = () =>
    vi.waitFor(() => expect(app.supervisor.status()['cluster']).toMatchObject({ connected: true, leader: true }), {
      timeout: 10_000,
    });

  beforeAll(async () => {
    kube = await new KubernetesWatchFake().start();
    hub = await EventSourcesHarness.start({ 'cluster.yaml': clusterSource('cluster') }, { KUBE_API_URL: kube.url });
    app = await hub.startApp();
    await connected();
    // Listed (nothing yet) and watching: 5 watches open.
    await vi.waitFor(() => expect(kube.openWatches).toBe(5), { timeout: 20_000 });
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await kube?.stop();
  });

  it('turns Events and resource states into typed events, once per change of state and once per window', async () => {
    kube.apply('events', coreEvent('web.1', 'BackOff', 1, '2026-12-03T10:00:05Z'));
    kube.apply('events', coreEvent('web.1', 'BackOff', 2, '2026-12-03T10:00:15Z'));
    kube.apply('events', coreEvent('web.1', 'BackOff', 3, '2026-12-03T10:00:45Z'));
    kube.apply('events', coreEvent('web.1', 'BackOff', 9, '2026-12-03T10:01:10Z'));
    kube.apply('events', coreEvent('pulled.1', 'Pulled', 1, '2026-12-03T10:00:05Z'));
    kube.apply(
      'events',
      coreEvent(
        'rs.1',
        'FailedCreate',
        1,
        '2026-12-03T10:00:05Z',
        'pods "web-x" is forbidden: exceeded quota: compute, requested: requests.cpu=1',
      ),
    );
    kube.apply('pods', pod('web-1', 1));
    kube.apply('pods', pod('web-1', 3, 'CrashLoopBackOff'));
    kube.apply('pods', pod('web-1', 4, 'CrashLoopBackOff'));
    kube.apply('pods', pod('web-1', 4));
    kube.apply('pods', pod('other-1', 9, 'CrashLoopBackOff', { app: 'other' }));
    kube.apply('nodes', node('node-a', 'False'));
    kube.apply('nodes', node('node-a', 'True'));
    kube.addNamespace('shop', { team: 'ledger' }); // the ticket's team comes from the Namespace
    kube.apply('resourcequotas', quota('compute', '2', '2'));
    kube.apply('resourcequotas', quota('compute', '1500m', '2'));
    kube.apply('deployments', deployment('web', true));
    kube.apply('deployments', deployment('web', false));
    await vi.waitFor(() => expect(hub.received.length).toBeGreaterThanOrEqual(12), { timeout: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(count('kubernetes.event')).toBe(3);
    const backoffs = hub.received.filter(
      (m) => m.routingKey === 'kubernetes.event' && (m.event.data as { reason: string }).reason === 'BackOff',
    );
    expect(backoffs.map((m) => (m.event.data as { count: number }).count)).toEqual([1, 9]);
    expect(backoffs[0]?.event).toMatchObject({
      source: 'kubernetes://cluster',
      hubsource: 'event-sources',
      subject: 'shop/Pod/web-7d4b9c-x1',
    });
    expect(count('kubernetes.quota.exceeded')).toBe(2);
    expect(hub.received.find((m) => m.routingKey === 'kubernetes.quota.exceeded')?.event.data).toMatchObject({
      namespace: 'shop',
      quota: 'compute',
      detectedBy: 'failed-create',
      team: 'ledger',
    });
    expect(hub.received.filter((m) => m.routingKey === 'kubernetes.quota.exceeded').map((m) => m.event.data)).toEqual([
      expect.objectContaining({ team: 'ledger', namespaceLabels: { team: 'ledger' } }),
      expect.objectContaining({ team: 'ledger', detectedBy: 'usage' }),
    ]);
    expect(hub.received.filter((m) => m.routingKey === 'kubernetes.pod.crashlooping').map((m) => m.event.data)).toEqual(
      [
        expect.objectContaining({
          pod: 'web-1',
          container: 'app',
          restartCount: 3,
          reason: 'Error',
          deployment: 'web',
        }),
      ],
    );
    for (const type of [
      'kubernetes.pod.recovered',
      'kubernetes.node.notready',
      'kubernetes.node.recovered',
      'kubernetes.quota.recovered',
      'kubernetes.deployment.rollout.stuck',
      'kubernetes.deployment.rollout.recovered',
    ]) {
      expect(count(type), type).toBe(1);
    }
    expect(hub.received.find((m) => m.routingKey === 'kubernetes.quota.recovered')?.event.incidentkey).toBe(
      'kubernetes/quota/shop/compute',
    );
    expect(new Set(hub.ids()).size).toBe(hub.received.length);
    const podWatch = kube.watchRequests.find((r) => r.path === '/api/v1/pods');
    expect(podWatch).toMatchObject({ labelSelector: 'app=web', allowWatchBookmarks: 'true' });
    expect(kube.watchRequests.some((r) => r.path === '/api/v1/namespaces/shop/resourcequotas')).toBe(true);
  });

  it('persists bookmarks and resumes at the stored resourceVersion after a restart', async () => {
    kube.bookmark();
    await vi.waitFor(async () => expect(await position('pods')).toBe(kube.resourceVersion));
    const stored = kube.resourceVersion;
    await hub.stopApp(app);
    hub.received.length = 0;
    kube.apply('pods', pod('web-2', 5, 'CrashLoopBackOff'));
    app = await hub.startApp();
    await vi.waitFor(() => expect(count('kubernetes.pod.crashlooping')).toBe(1), { timeout: 10_000 });
    expect(kube.watchRequests.filter((r) => r.path === '/api/v1/pods').at(-1)?.resourceVersion).toBe(stored);
    expect(hub.received).toHaveLength(1);
  });

  it('relists after 410 Gone and publishes only what it had not handled, and the recovery of what vanished', async () => {
    kube.apply('pods', pod('web-9', 7, 'CrashLoopBackOff'));
    await vi.waitFor(() => expect(count('kubernetes.pod.crashlooping')).toBe(2));
    await hub.stopApp(app);
    hub.received.length = 0;
    kube.apply('pods', pod('web-2', 5));
    kube.apply('nodes', node('node-b', 'Unknown'));
    kube.delete('pods', 'shop', 'web-9');
    kube.compact();
    const listsBefore = kube.listRequests.length;
    app = await hub.startApp();
    await vi.waitFor(
      () =>
        expect(types().sort()).toEqual([
          'kubernetes.node.notready',
          'kubernetes.pod.recovered',
          'kubernetes.pod.recovered',
        ]),
      { timeout: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hub.received).toHaveLength(3);
    expect(
      hub.received
        .filter((m) => m.routingKey === 'kubernetes.pod.recovered')
        .map((m) => (m.event.data as { pod: string }).pod)
        .sort(),
    ).toEqual(['web-2', 'web-9']);
    const podWatches = kube.watchRequests.filter((r) => r.path === '/api/v1/pods');
    // 410 on the stored position, a LIST, then a watch from the list's resourceVersion.
    expect(kube.listRequests.slice(listsBefore).map((r) => r.path)).toContain('/api/v1/pods');
    expect(Number(podWatches.at(-1)?.resourceVersion)).toBeGreaterThan(Number(podWatches.at(-2)?.resourceVersion));
    // The watch closing normally (the server's timeout) resumes where it was, without a relist.
    const last = kube.apply('pods', pod('web-3', 0)).metadata.resourceVersion;
    await vi.waitFor(async () => expect(await position('pods')).toBe(last));
    const before = kube.watchRequests.length;
    kube.dropWatches();
    await vi.waitFor(() => expect(kube.openWatches).toBe(5));
    const resumed = kube.watchRequests.slice(before).filter((r) => r.path === '/api/v1/pods');
    expect(resumed.map((r) => r.resourceVersion)).toEqual([last]);
    expect(hub.received).toHaveLength(3);
  });

  it('keeps decided events in the outbox while the broker is cut away, then publishes each once, in watch order', async () => {
    hub.received.length = 0;
    await hub.proxy.down();
    kube.apply('nodes', node('node-e', 'False'));
    kube.apply('deployments', deployment('api', true));
    kube.apply('nodes', node('node-e', 'True'));
    const outbox = async () =>
      Number((await hub.schema.pool.query('SELECT count(*) AS n FROM source_outbox')).rows[0].n);
    await vi.waitFor(async () => expect(await outbox()).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
    await vi.waitFor(() => expect(app.supervisor.status()['cluster']?.reason).toMatch(/^the bus cannot take events/));
    expect(hub.received).toHaveLength(0);
    await hub.proxy.up();
    await vi.waitFor(() => expect(hub.received).toHaveLength(3), { timeout: 15_000 });
    // In order per watch (across watches the API server gives no order either).
    expect(types().filter((t) => t.startsWith('kubernetes.node.'))).toEqual([
      'kubernetes.node.notready',
      'kubernetes.node.recovered',
    ]);
    expect(types()).toContain('kubernetes.deployment.rollout.stuck');
    await vi.waitFor(async () => expect(await outbox()).toBe(0));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hub.received).toHaveLength(3);
  });

  it('stops publishing at once when its lease is taken, and says so on /readyz', async () => {
    await hub.schema.pool.query(
      `UPDATE source_leases SET holder = 'someone-else', token = token + 1, expires_at = now() + interval '1 hour' WHERE source = 'cluster'`,
    );
    hub.received.length = 0;
    kube.apply('nodes', node('node-c', 'False'));
    await vi.waitFor(
      () => expect(app.supervisor.status()['cluster']).toMatchObject({ connected: false, leader: false }),
      {
        timeout: 10_000,
      },
    );
    kube.apply('nodes', node('node-d', 'False'));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(hub.received).toHaveLength(0);
    expect(app.supervisor.status()['cluster']?.reason).toMatch(/standby|lease/);
    // Handed back: the same replica takes it again and publishes both, once each.
    await hub.schema.pool.query(`UPDATE source_leases SET expires_at = now() WHERE source = 'cluster'`);
    await vi.waitFor(() => expect(count('kubernetes.node.notready')).toBe(2), { timeout: 15_000 });
  });
});
