import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RecordedCall } from '@hub/recorder';
import { FakeStatuspage } from '@hub/testing';
import { ExecutorHarness } from './__tests__/executor.harness.js';

const params = (status: string) => ({
  status,
  incident: { key: 'service/checkout', name: 'Checkout is degraded', body: 'Checkout answers slowly' },
});

describe('statuspage.update (S6) through the bus', () => {
  let hub: ExecutorHarness;
  let page: FakeStatuspage;

  beforeAll(async () => {
    page = await new FakeStatuspage().start();
    page.addComponent('cmp-checkout', 'Checkout');
    hub = await ExecutorHarness.start({
      STATUSPAGE_URL: page.url,
      STATUSPAGE_TOKEN: page.token,
      STATUSPAGE_PAGE_ID: page.pageId,
    });
  });

  afterAll(async () => {
    await hub?.close();
    await page?.stop();
  });

  it('opens the page incident through a 429 and a 503, then resolves it; results and runs recorded', async () => {
    page.respondNext({ status: 429, retryAfterSeconds: 0 }, { status: 503 });
    const open = await hub.request('statuspage.update', 'cmp-checkout', { params: params('degraded_performance') });
    const opened = await hub.result(open.data.actionId);
    expect(opened.event).toMatchObject({
      type: 'action.succeeded',
      data: { attempts: 3, details: { componentId: 'cmp-checkout', incident: { opened: true } } },
    });
    expect(page.incidents).toHaveLength(1);
    expect(page.components.get('cmp-checkout')?.status).toBe('degraded_performance');

    const close = await hub.request('statuspage.update', 'cmp-checkout', { params: params('operational') });
    const closed = await hub.result(close.data.actionId);
    expect(closed.event).toMatchObject({ type: 'action.succeeded', data: { attempts: 1 } });
    expect(page.incidents[0]?.status).toBe('resolved');
    expect(page.components.get('cmp-checkout')?.status).toBe('operational');
    expect(await hub.run(close.data.actionId)).toMatchObject({ kind: 'statuspage.update', status: 'succeeded' });
  });

  it('fails for good on a 4xx, saying why', async () => {
    const request = await hub.request('statuspage.update', 'cmp-missing', { params: params('major_outage') });
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.failed', data: { attempts: 1 } });
    expect(event.data.reason).toContain('Component not found');
  });
});

describe('statuspage.update without a Statuspage: the outbox', () => {
  let hub: ExecutorHarness;

  beforeAll(async () => {
    hub = await ExecutorHarness.start({ STATUSPAGE_TOKEN: undefined, STATUSPAGE_PAGE_ID: undefined });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('writes the intended calls to statuspage.jsonl and reports a dry-run success', async () => {
    const request = await hub.request('statuspage.update', 'cmp-checkout', { params: params('degraded_performance') });
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.succeeded', data: { dryRun: true } });
    const lines = (await readFile(join(hub.dataDir, 'outbox', 'statuspage.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line) as RecordedCall)).toMatchObject([
      {
        integration: 'statuspage',
        operation: 'statuspage.update',
        request: {
          actionId: request.data.actionId,
          calls: [
            {
              method: 'PATCH',
              path: '/v1/pages/{page_id}/components/cmp-checkout',
              body: { component: { status: 'degraded_performance' } },
            },
            {
              method: 'POST',
              path: '/v1/pages/{page_id}/incidents',
              body: { incident: { name: 'Checkout is degraded', metadata: { hub: { key: 'service/checkout' } } } },
            },
          ],
        },
      },
    ]);
  });
});
