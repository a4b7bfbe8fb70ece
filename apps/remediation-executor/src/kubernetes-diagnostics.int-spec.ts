import { FakeKubernetesPods } from '@hub/testing';
import { ExecutorHarness } from './__tests__/executor.harness.js';

describe('kubernetes.diagnostics through the bus', () => {
  let hub: ExecutorHarness;
  let pods: FakeKubernetesPods;

  beforeAll(async () => {
    hub = await ExecutorHarness.start();
    pods = new FakeKubernetesPods(hub.kube);
    const lines = Array.from({ length: 80 }, (_, i) => `line ${i + 1}`);
    pods
      .addPod('shop', 'web-1', {
        labels: { app: 'web' },
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 7,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          },
        ],
        logs: {
          app: [
            ...lines,
            'connecting with password=hunter2 to db',
            'header Authorization: Bearer abc.def.ghi',
            'url postgres://hub:s3cret@db:5432/shop',
            'boom: {"apiKey":"k-123","user":"ann"}',
          ],
        },
      })
      .addPod('shop', 'web-2', { labels: { app: 'web' }, logs: {} })
      .addPod('shop', 'other', { labels: { app: 'db' }, containerStatuses: [{ name: 'db' }], logs: { db: ['x'] } })
      .addEvent('shop', 'web-1', { reason: 'BackOff', message: 'Back-off restarting failed container app', count: 7 })
      .addEvent('shop', 'other', { reason: 'Pulled', type: 'Normal', message: 'pulled' });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('collects statuses, events and the last N log lines of the selected pods, secrets redacted', async () => {
    const request = await hub.request('kubernetes.diagnostics', 'shop/web', {
      params: { pods: 'app=web', logLines: 10, logBytes: 4096 },
      incidentkey: 'crashloop/shop/web',
    });
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.succeeded', data: { kind: 'kubernetes.diagnostics' } });
    const details = event.data.details as {
      podsFound: number;
      pods: { pod: string; containers: { state: string; restartCount: number; log: string[] }[]; events: unknown[] }[];
      summary: string;
    };
    expect(details.podsFound).toBe(2);
    expect(details.pods.map((p) => p.pod).sort()).toEqual(['web-1', 'web-2']);
    const web1 = details.pods.find((p) => p.pod === 'web-1')!;
    expect(web1.events).toEqual([
      expect.objectContaining({ reason: 'BackOff', count: 7, lastSeen: expect.stringMatching(/^\d{4}-/) }),
    ]);
    expect(web1.containers[0]).toMatchObject({ state: 'waiting (CrashLoopBackOff)', restartCount: 7 });
    const log = web1.containers[0]!.log;
    expect(log).toHaveLength(10);
    expect(log[0]).toBe('line 75');
    const text = JSON.stringify(details);
    for (const secret of ['hunter2', 'abc.def.ghi', 's3cret', 'k-123']) expect(text).not.toContain(secret);
    expect(log.slice(-4)).toEqual([
      'connecting with password=[REDACTED] to db',
      'header Authorization: Bearer [REDACTED]',
      'url postgres://hub:[REDACTED]@db:5432/shop',
      'boom: {"apiKey":"[REDACTED]","user":"ann"}',
    ]);
    expect(details.summary).toContain('Pod web-1 (Running)');
    expect(details.summary).toContain('BackOff ×7');
    expect(pods.logRequests).toEqual([{ namespace: 'shop', pod: 'web-1', container: 'app', tailLines: 10 }]);
  });

  it('bounds each log by bytes', async () => {
    const request = await hub.request('kubernetes.diagnostics', 'shop', { params: { pods: 'app=web', logBytes: 256 } });
    const { event } = await hub.result(request.data.actionId);
    const details = event.data.details as { pods: { pod: string; containers: { log: string[] }[] }[] };
    const log = details.pods.find((p) => p.pod === 'web-1')!.containers[0]!.log;
    expect(Buffer.byteLength(log.join('\n'))).toBeLessThanOrEqual(256);
    expect(log.length).toBeGreaterThan(0);
  });

  it('refuses a selector that is not an equality selector, without calling the API', async () => {
    const before = pods.logRequests.length;
    const request = await hub.request('kubernetes.diagnostics', 'shop', { params: { pods: 'app in (web)' } });
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.failed', data: { attempts: 0 } });
    expect(event.data.reason).toContain('equality label selector');
    expect(pods.logRequests).toHaveLength(before);
  });
});
