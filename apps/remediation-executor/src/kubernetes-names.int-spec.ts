import { type ExecutorHarness as Harness, ExecutorHarness } from './__tests__/executor.harness.js';

/**
 * Names in an action request end up in API paths (`/api/v1/applications/<name>`,
 * `/namespaces/<ns>/externalsecrets/<name>`, `/api/v1/workflows/<ns>/submit`). A name the API
 * server would refuse — a dot segment, a slash, upper case — fails the action at once, saying
 * why, and no request leaves the executor.
 */
describe('names from events are validated before they reach a URL path', () => {
  let hub: Harness;

  beforeAll(async () => {
    hub = await ExecutorHarness.start();
    hub.argo.addApplication('settings');
  });

  afterAll(async () => {
    await hub?.close();
  });

  const cases: [kind: string, target: string, params?: Record<string, unknown>][] = [
    ['argocd.sync', '..'],
    ['argocd.sync', '../../settings'],
    ['argocd.sync', 'Settings'],
    ['argocd.sync', 'settings', { appNamespace: '../kube-system' }],
    ['externalsecret.refresh', 'payments/../../secrets'],
    ['externalsecret.refresh', './db-credentials'],
    ['externalsecret.refresh', 'x', { namespace: '..', name: 'db' }],
    ['argo-workflows.submit', '../templates/backup'],
    ['argo-workflows.submit', 'backups/..'],
    ['certmanager.check-renew', 'all', { namespace: '../..' }],
  ];

  it.each(cases)('%s %s %j fails at once and calls nothing', async (kind, target, params) => {
    const before = hub.argo.requests.length + hub.kube.requests.length;
    const request = await hub.request(kind, target, params ? { params } : {});
    const { event } = await hub.result(request.data.actionId);
    expect(event).toMatchObject({ type: 'action.failed', data: { attempts: 0 } });
    expect(event.data.reason).toMatch(/must be a DNS-1123 (label|subdomain)/);
    expect(hub.argo.requests.length + hub.kube.requests.length).toBe(before);
  });

  it('still runs a request whose names are valid', async () => {
    const request = await hub.request('argocd.sync', 'settings');
    const { event } = await hub.result(request.data.actionId);
    expect(event.type).toBe('action.succeeded');
  });
});
