import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeArgoWorkflows } from '@hub/testing';
import { ExecutorHarness } from './__tests__/executor.harness.js';

const DAY = 86_400_000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY);

describe('S7 scheduled operations through the executor (fake Kubernetes API and Argo Workflows)', () => {
  let hub: ExecutorHarness;
  let argo: FakeArgoWorkflows;

  beforeAll(async () => {
    argo = await new FakeArgoWorkflows().start();
    hub = await ExecutorHarness.start({
      ARGO_WORKFLOWS_URL: argo.url,
      ARGO_WORKFLOWS_TOKEN: argo.token,
      ARGO_WORKFLOWS_POLL_INTERVAL_MS: '20',
    });
  });

  afterAll(async () => {
    await hub?.close();
    await argo?.stop();
  });

  describe('certmanager.check-renew', () => {
    beforeAll(() => {
      hub.kube
        .addCertificate('payments', 'api', { notAfter: daysFromNow(10) })
        .addCertificate('payments', 'web', { notAfter: daysFromNow(60) })
        .addCertificate('shop', 'fresh')
        .addCertificate('shop', 'busy', { notAfter: daysFromNow(5), issuing: true });
    });

    it('a dry run lists what it would renew and patches nothing', async () => {
      const request = await hub.request('certmanager.check-renew', 'cluster', {
        params: { renewWithinDays: 30 },
        dryRun: true,
      });
      const { event } = await hub.result(request.data.actionId);
      expect(event).toMatchObject({ type: 'action.succeeded', data: { dryRun: true } });
      expect(event.data.details).toMatchObject({ wouldRenew: [{ certificate: 'payments/api', daysLeft: 9 }] });
      expect(hub.kube.patches).toEqual([]);
    });

    it('renews those expiring within 30 days as cmctl renew does, and reports the rest', async () => {
      const request = await hub.request('certmanager.check-renew', 'cluster', { params: { renewWithinDays: 30 } });
      const { event } = await hub.result(request.data.actionId);
      expect(event.type).toBe('action.succeeded');
      expect(event.data.details).toMatchObject({
        checked: 4,
        scope: 'all namespaces',
        renewed: [{ certificate: 'payments/api', daysLeft: 9 }],
        alreadyIssuing: [{ certificate: 'shop/busy' }],
        notReady: [{ certificate: 'shop/fresh', reason: 'Issuing certificate as Secret does not exist' }],
        valid: [{ certificate: 'payments/web', daysLeft: 59 }],
      });
      expect(hub.kube.patches).toHaveLength(1);
      expect(hub.kube.patches[0]).toMatchObject({
        group: 'cert-manager.io',
        namespace: 'payments',
        name: 'api',
        subresource: 'status',
        contentType: 'application/merge-patch+json',
      });
      const conditions = hub.kube.certificate('payments', 'api')?.status as { conditions: Record<string, unknown>[] };
      expect(conditions.conditions).toEqual([
        expect.objectContaining({ type: 'Ready', status: 'True' }),
        expect.objectContaining({
          type: 'Issuing',
          status: 'True',
          reason: 'ManuallyTriggered',
          message: 'Certificate re-issuance manually triggered',
          observedGeneration: 1,
        }),
      ]);
    });
  });

  describe('argo-workflows.submit', () => {
    beforeAll(() => {
      argo.addWorkflowTemplate('backups', 'nightly-backup', { phases: ['Pending', 'Running', 'Succeeded'] });
      argo.addWorkflowTemplate('backups', 'broken-backup', {
        phases: ['Running', 'Failed'],
        message: 'child "dump-db" failed: exit code 1',
      });
    });

    it('submits the WorkflowTemplate with its parameters and follows it to Succeeded', async () => {
      const request = await hub.request('argo-workflows.submit', 'backups/nightly-backup', {
        params: { parameters: { retentionDays: '30', slot: '2026-05-04T00:00:00.000Z' } },
      });
      const { event } = await hub.result(request.data.actionId);
      expect(event).toMatchObject({
        type: 'action.succeeded',
        data: { attempts: 1, details: { phase: 'Succeeded', workflowTemplate: 'nightly-backup', resumed: false } },
      });
      expect(argo.submits).toHaveLength(1);
      expect(argo.submits[0]).toMatchObject({
        namespace: 'backups',
        template: 'nightly-backup',
        parameters: ['retentionDays=30', 'slot=2026-05-04T00:00:00.000Z'],
        labels: `hub.io/action-id=${request.data.actionId}`,
      });
      expect(event.data.details.workflow).toBe(`backups/${argo.submits[0]!.workflow}`);
    });

    it('fails (for the sensor to escalate) when the workflow fails, or the template does not exist', async () => {
      const failing = await hub.request('argo-workflows.submit', 'backups/broken-backup');
      const { event } = await hub.result(failing.data.actionId);
      expect(event).toMatchObject({ type: 'action.failed', data: { attempts: 1 } });
      expect(event.data.reason).toContain('ended Failed: child "dump-db" failed: exit code 1');
      const missing = await hub.request('argo-workflows.submit', 'backups/nope');
      const { event: notFound } = await hub.result(missing.data.actionId);
      expect(notFound).toMatchObject({ type: 'action.failed', data: { attempts: 1 } });
      expect(notFound.data.reason).toContain('workflowtemplates.argoproj.io "nope" not found');
    });
  });

  describe('namespaces.cleanup-preview', () => {
    beforeAll(() => {
      hub.kube
        .addNamespace('preview-pr-101', { preview: 'true' }, daysFromNow(-30))
        .addNamespace('preview-pr-102', { preview: 'true' }, daysFromNow(-20))
        .addNamespace('preview-pr-103', { preview: 'true' }, daysFromNow(-15))
        .addNamespace('preview-pr-200', { preview: 'true' }, daysFromNow(-3))
        .addNamespace('payments', { team: 'payments' }, daysFromNow(-400))
        .addNamespace('kube-system', { preview: 'true' }, daysFromNow(-400));
    });

    it('a dry run lists the expired previews, oldest first, and deletes nothing', async () => {
      const request = await hub.request('namespaces.cleanup-preview', 'preview=true', {
        params: { maxAgeDays: 14, maxDeletions: 2 },
        dryRun: true,
      });
      const { event } = await hub.result(request.data.actionId);
      expect(event.data.dryRun).toBe(true);
      expect(event.data.details).toMatchObject({
        wouldDelete: [{ namespace: 'preview-pr-101' }, { namespace: 'preview-pr-102' }],
        leftForNextRun: ['preview-pr-103'],
        kept: ['preview-pr-200'],
      });
      expect(hub.kube.deletedNamespaces).toEqual([]);
    });

    it('deletes at most the cap per run, lists each deletion, and never touches younger or system namespaces', async () => {
      const first = await hub.request('namespaces.cleanup-preview', 'preview=true', {
        params: { maxAgeDays: 14, maxDeletions: 2 },
      });
      const { event } = await hub.result(first.data.actionId);
      expect(event).toMatchObject({ type: 'action.succeeded', data: { dryRun: false } });
      expect(event.data.details).toMatchObject({
        labelSelector: 'preview=true',
        deleted: [
          { namespace: 'preview-pr-101', ageDays: 30 },
          { namespace: 'preview-pr-102', ageDays: 20 },
        ],
        leftForNextRun: ['preview-pr-103'],
      });
      const second = await hub.request('namespaces.cleanup-preview', 'preview=true', { params: { maxDeletions: 2 } });
      const { event: next } = await hub.result(second.data.actionId);
      expect(next.data.details).toMatchObject({
        deleted: [{ namespace: 'preview-pr-103' }],
        terminating: ['preview-pr-101', 'preview-pr-102'],
        leftForNextRun: [],
      });
      expect(hub.kube.deletedNamespaces).toEqual(['preview-pr-101', 'preview-pr-102', 'preview-pr-103']);
      expect(hub.kube.namespace('kube-system')?.status).toEqual({ phase: 'Active' });
    });

    it('refuses a selector that could match every namespace', async () => {
      const request = await hub.request('namespaces.cleanup-preview', 'all', { params: { labelSelector: 'preview' } });
      const { event } = await hub.result(request.data.actionId);
      expect(event).toMatchObject({ type: 'action.failed', data: { attempts: 0 } });
      expect(event.data.reason).toContain('labelSelector: must start with a key=value requirement');
    });
  });

  describe('quota.team-report', () => {
    beforeAll(() => {
      hub.kube
        .addNamespace('payments-prod', { team: 'payments' })
        .addNamespace('payments-dev', { team: 'payments' })
        .addNamespace('shop', { team: 'shop' })
        .addResourceQuota('payments-prod', 'compute', {
          hard: { 'requests.cpu': '4', 'requests.memory': '8Gi', pods: '50' },
          used: { 'requests.cpu': '2500m', 'requests.memory': '6Gi', pods: '31' },
        })
        .addResourceQuota('payments-dev', 'compute', {
          hard: { 'requests.cpu': '2', 'requests.memory': '4Gi' },
          used: { 'requests.cpu': '1', 'requests.memory': '1536Mi' },
        })
        .addResourceQuota('shop', 'compute', { hard: { 'requests.cpu': '1' }, used: { 'requests.cpu': '100m' } });
    });

    it('sums hard and used per team and resource into a report with a text for each team', async () => {
      const request = await hub.request('quota.team-report', 'teams', { params: { teamLabel: 'team' } });
      const { event } = await hub.result(request.data.actionId);
      expect(event.type).toBe('action.succeeded');
      const teams = event.data.details.teams as Record<string, { text: string }>;
      expect(teams).toMatchObject({
        payments: {
          namespaces: ['payments', 'payments-dev', 'payments-prod'],
          resources: {
            'requests.cpu': { hard: '6', used: '3.5', percent: 58 },
            'requests.memory': { hard: '12Gi', used: '7.5Gi', percent: 63 },
            pods: { hard: '50', used: '31', percent: 62 },
          },
        },
        shop: { namespaces: ['shop'], resources: { 'requests.cpu': { hard: '1', used: '0.1', percent: 10 } } },
      });
      expect(teams.payments?.text).toContain('• requests.cpu: 3.5 of 6 (58%)');
      expect(event.data.details.summary).toContain('Quota report for shop — 1 namespace(s): shop');
    });
  });
});

describe('S7 operations with no Kubernetes or Argo Workflows configured (embedded default)', () => {
  let hub: ExecutorHarness;

  beforeAll(async () => {
    hub = await ExecutorHarness.start({ KUBE_API_URL: undefined, KUBE_TOKEN: undefined });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('writes what each would have done to the outbox and reports a dry run', async () => {
    const requests = [
      await hub.request('certmanager.check-renew', 'cluster'),
      await hub.request('namespaces.cleanup-preview', 'preview=true'),
      await hub.request('quota.team-report', 'teams'),
      await hub.request('argo-workflows.submit', 'backups/nightly-backup'),
    ];
    for (const request of requests) {
      const { event } = await hub.result(request.data.actionId);
      expect(event).toMatchObject({ type: 'action.succeeded', data: { dryRun: true } });
    }
    const kubernetes = await readFile(join(hub.dataDir, 'outbox', 'kubernetes.jsonl'), 'utf8');
    for (const operation of ['certificates.check-renew', 'namespaces.cleanup-preview', 'quota.team-report']) {
      expect(kubernetes).toContain(operation);
    }
    const workflows = await readFile(join(hub.dataDir, 'outbox', 'argo-workflows.jsonl'), 'utf8');
    expect(workflows).toContain('"resourceName":"nightly-backup"');
  });
});
