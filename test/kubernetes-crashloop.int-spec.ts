import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { type HubRmqServer } from '@hub/messaging';
import { amqpUrl, createTestSchema, KubernetesWatchFake, type TestSchema, uniqueName } from '@hub/testing';
import { pod } from '../apps/event-sources/src/__tests__/kubernetes.fixtures.js';
import {
  createEventSourcesApp,
  type EventSourcesApp,
  loadEventSourcesConfig,
} from '../apps/event-sources/src/index.js';
import { createRemediationExecutorApp, loadRemediationExecutorConfig } from '../apps/remediation-executor/src/index.js';
import { createSensorApp, loadSensorConfig } from '../apps/sensor/src/index.js';
import { CONFIG_DIR } from './__tests__/hub.harness.js';

const cluster = `apiVersion: hub/v1
kind: Source
metadata: { name: cluster }
spec:
  kubernetes:
    watches: [{ resource: pods, namespace: shop }]
`;

describe('a crash-looping Deployment (cluster watch → shipped sensor → rollout restart)', () => {
  let kube: KubernetesWatchFake;
  let schema: TestSchema;
  let sourcesDir: string;
  let dataDir: string;
  let sources: EventSourcesApp;
  const consumers: { app: INestApplication; server: HubRmqServer }[] = [];

  beforeAll(async () => {
    kube = await new KubernetesWatchFake().start();
    schema = await createTestSchema();
    sourcesDir = await mkdtemp(join(tmpdir(), 'hub-crashloop-'));
    dataDir = await mkdtemp(join(tmpdir(), 'hub-crashloop-data-'));
    await mkdir(join(sourcesDir, 'sources'));
    await writeFile(join(sourcesDir, 'sources', 'cluster.yaml'), cluster);
    const env = {
      AMQP_URL: amqpUrl(),
      DATABASE_URL: schema.url,
      HUB_EXCHANGE: uniqueName('crashloop'),
      HUB_CONFIG_DIR: CONFIG_DIR,
      HUB_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      KUBE_API_URL: kube.url,
      HUB_ACTION_BACKOFF_MS: '20',
    };
    consumers.push(
      await createSensorApp(loadSensorConfig(env), { logger: false, queue: uniqueName('sensor') }),
      await createRemediationExecutorApp(loadRemediationExecutorConfig(env), {
        logger: false,
        queue: uniqueName('exec'),
      }),
    );
    for (const { app, server } of consumers) {
      await app.init();
      await app.startAllMicroservices();
      await server.waitUntilReady(20_000);
    }
    sources = await createEventSourcesApp(loadEventSourcesConfig({ ...env, HUB_CONFIG_DIR: sourcesDir }), {
      logger: false,
    });
    await sources.app.init();
    await vi.waitFor(() => expect(sources.supervisor.status()['cluster']?.connected).toBe(true), { timeout: 15_000 });
  }, 90_000);

  afterAll(async () => {
    await sources?.app.close();
    for (const { app } of consumers.reverse()) await app.close();
    await kube?.stop();
    await schema?.drop();
    for (const dir of [sourcesDir, dataDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('opens one incident for the Deployment and restarts it once, however many pods loop; a pod running again resolves it', async () => {
    kube.apply('deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { metadata: { labels: { app: 'web' } } } },
    });
    kube.apply('pods', pod('web-7d4b9c-a', 3, 'CrashLoopBackOff'));
    kube.apply('pods', pod('web-7d4b9c-b', 4, 'CrashLoopBackOff'));
    kube.apply('pods', pod('web-7d4b9c-a', 5, 'CrashLoopBackOff'));
    await vi.waitFor(() => expect(kube.patches).toHaveLength(1), { timeout: 20_000, interval: 100 });
    const [patch] = kube.patches;
    expect(patch).toMatchObject({
      collection: 'deployments',
      namespace: 'shop',
      name: 'web',
      contentType: 'application/merge-patch+json',
    });
    const restartedBy = (patch!.body as { spec: { template: { metadata: { annotations: Record<string, string> } } } })
      .spec.template.metadata.annotations['hub.io/restarted-by'];
    const incidents = await schema.pool.query<{ key: string; sensor: string; action_id: string | null }>(
      'SELECT key, sensor, action_id FROM incidents',
    );
    expect(incidents.rows).toEqual([
      { key: 'crashloop/shop/web', sensor: 'kubernetes-crashloop', action_id: restartedBy },
    ]);
    await vi.waitFor(async () => {
      const runs = await schema.pool.query<{ kind: string; status: string }>('SELECT kind, status FROM action_runs');
      expect(runs.rows).toEqual([{ kind: 'kubernetes.rollout-restart', status: 'succeeded' }]);
    });
    // More restarts of the same pods: no second incident, no second restart.
    kube.apply('pods', pod('web-7d4b9c-c', 6, 'CrashLoopBackOff'));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(kube.patches).toHaveLength(1);
    expect((await schema.pool.query('SELECT count(*)::int AS n FROM incidents')).rows[0]).toEqual({ n: 1 });
    kube.apply('pods', pod('web-7d4b9c-a', 5));
    await vi.waitFor(
      async () => {
        const { rows } = await schema.pool.query<{ status: string }>(
          `SELECT status FROM incidents WHERE key = 'crashloop/shop/web'`,
        );
        expect(rows[0]?.status).toBe('resolved');
      },
      { timeout: 15_000 },
    );
  });
});
