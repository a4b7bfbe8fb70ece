import { type ActionRequested } from '@hub/contracts';
import { FakeStatuspage } from '@hub/testing';
import { InvalidActionParamsError } from '../action.errors.js';
import { StatuspageClient } from './statuspage.client.js';
import { StatuspageRequestError, StatuspageUnreachableError } from './statuspage.errors.js';
import { StatuspageUpdateAction } from './statuspage-update.action.js';
import { planStatuspageUpdate } from './statuspage-update.plan.js';

const incident = { key: 'service/checkout', name: 'Checkout is degraded', body: 'Error rate above 5 %' };
const request = (status: string, params: Record<string, unknown> = { incident }): ActionRequested => ({
  actionId: crypto.randomUUID(),
  kind: 'statuspage.update',
  target: 'cmp-checkout',
  params: { status, ...params },
  dryRun: false,
});

describe(StatuspageUpdateAction.name, () => {
  let page: FakeStatuspage;
  const context = { signal: new AbortController().signal, attempt: 1 };
  const action = (token = FakeStatuspage.DEFAULT_TOKEN, url?: string) =>
    new StatuspageUpdateAction(
      new StatuspageClient({ url: url ?? page.url, token, pageId: page.pageId, requestTimeoutMs: 2_000 }),
    );

  beforeEach(async () => {
    page = await new FakeStatuspage().start();
    page.addComponent('cmp-checkout', 'Checkout');
  });

  afterEach(async () => {
    await page.stop();
  });

  it('degrades the component and opens one incident tagged with the key, with the OAuth token', async () => {
    const outcome = await action().run(request('degraded_performance'), context);
    expect(page.components.get('cmp-checkout')?.status).toBe('degraded_performance');
    expect(page.incidents).toMatchObject([
      {
        name: 'Checkout is degraded',
        status: 'investigating',
        component_ids: ['cmp-checkout'],
        metadata: { hub: { key: 'service/checkout' } },
        incident_updates: [{ body: 'Error rate above 5 %' }],
      },
    ]);
    expect(page.requests.every((r) => r.headers.authorization === `OAuth ${FakeStatuspage.DEFAULT_TOKEN}`)).toBe(true);
    expect(outcome.details).toMatchObject({ status: 'degraded_performance', incident: { opened: true } });
  });

  it('opens no second incident on a retry or a repeat of the same key', async () => {
    await action().run(request('degraded_performance'), context);
    const again = await action().run(request('major_outage'), context);
    expect(page.incidents).toHaveLength(1);
    expect(again.details).toMatchObject({ incident: { id: page.incidents[0]?.id, opened: false } });
    expect(page.components.get('cmp-checkout')?.history).toEqual([
      'degraded_performance',
      'degraded_performance',
      'major_outage',
    ]);
  });

  it('resolves the incident of the key and sets the component operational', async () => {
    await action().run(request('degraded_performance'), context);
    const outcome = await action().run(request('operational', { incident: { key: 'service/checkout' } }), context);
    expect(page.incidents[0]).toMatchObject({ status: 'resolved', resolved_at: expect.any(String) });
    expect(page.components.get('cmp-checkout')?.status).toBe('operational');
    expect(outcome.details).toMatchObject({ resolvedIncidents: [page.incidents[0]?.id] });
  });

  it('only sets the component when there is no incident param', async () => {
    await action().run(request('partial_outage', {}), context);
    expect(page.incidents).toHaveLength(0);
    expect(page.components.get('cmp-checkout')?.status).toBe('partial_outage');
  });

  it('wraps failures: 429 and 5xx retryable (with Retry-After), 401 and unknown component final', async () => {
    page.respondNext({ status: 429, retryAfterSeconds: 7 });
    const limited = await action()
      .run(request('degraded_performance'), context)
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(StatuspageRequestError);
    expect(limited).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7_000 });

    page.respondNext({ status: 503 });
    await expect(action().run(request('degraded_performance'), context)).rejects.toMatchObject({ retryable: true });

    await expect(action('wrong').run(request('degraded_performance'), context)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('401') as string,
    });
    const missing = { ...request('degraded_performance'), target: 'cmp-nope' };
    await expect(action().run(missing, context)).rejects.toThrow('Component not found');
    const down = action(FakeStatuspage.DEFAULT_TOKEN, 'http://127.0.0.1:9');
    await expect(down.run(request('operational'), context)).rejects.toThrow(StatuspageUnreachableError);
  });

  it('refuses bad params before calling anything', () => {
    expect(() => planStatuspageUpdate(request('broken'))).toThrow(InvalidActionParamsError);
    expect(() => planStatuspageUpdate(request('major_outage', { incident: { key: 'k' } }))).toThrow(
      'incident.name is required',
    );
    expect(page.requests).toHaveLength(0);
  });
});
