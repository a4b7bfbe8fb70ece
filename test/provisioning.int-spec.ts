import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type HubEvent } from '@hub/contracts';
import { FakeKubernetesApi, recordSpans, waitFor } from '@hub/testing';
import { type ProvisioningHarness as Harness } from './__tests__/provisioning.harness.js';

// Tracing starts before the gateway loads, so its HTTP server spans (and the request's trace id) exist.
recordSpans('s3-provisioning-test');
const { BACKSTAGE_TOKEN, newApp, ProvisioningHarness, REPO } = await import('./__tests__/provisioning.harness.js');
const { main } = await import('../apps/cli/src/index.js');

const STEPS = [
  'namespace',
  'resource-quota',
  'limit-range',
  'role-binding',
  'argocd-application',
  'pipeline-pull-request',
];
const KINDS = ['namespaces', 'resourcequotas', 'limitranges', 'rolebindings', 'applications'];

describe('S3 self-service provisioning, end to end', () => {
  let hub: Harness;

  beforeAll(async () => {
    hub = await ProvisioningHarness.start();
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
  });

  it('a request → namespace, quota, limits, RoleBinding, Application and PR made once → succeeded', async () => {
    const response = await hub.submit(newApp(), 'backstage-task-1');
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { id: string; status: string; statusUrl: string };
    expect(accepted).toEqual({
      id: expect.any(String) as string,
      status: 'accepted',
      statusUrl: `/v1/requests/${accepted.id}`,
    });

    const done = await hub.finished(accepted.id, 'succeeded');
    expect(done.steps.map((s) => [s.name, s.status, s.attempts])).toEqual(STEPS.map((name) => [name, 'succeeded', 1]));
    expect(done.links).toMatchObject({ self: accepted.statusUrl, pullRequest: `https://github.com/${REPO}/pull/1` });
    expect(done.traceId).toMatch(/^[0-9a-f]{32}$/);
    for (const kind of KINDS) expect(hub.kube.created(kind), kind).toHaveLength(1);

    const ns = hub.kube.namespace('payments-api');
    expect(ns?.metadata.labels).toEqual({
      team: 'payments',
      app: 'payments-api',
      'app.kubernetes.io/managed-by': 'hub',
    });
    expect(hub.kube.storedObject('resourcequotas', 'payments-api', 'hub-quota')?.spec).toEqual({
      hard: { 'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '4', 'limits.memory': '8Gi', pods: '30' },
    });
    expect(hub.kube.storedObject('limitranges', 'payments-api', 'hub-defaults')?.spec).toEqual({
      limits: [
        {
          type: 'Container',
          default: { cpu: '500m', memory: '512Mi' },
          defaultRequest: { cpu: '100m', memory: '128Mi' },
        },
      ],
    });
    const binding = hub.kube.storedObject('rolebindings', 'payments-api', 'hub-payments-edit') as Record<
      string,
      unknown
    >;
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'edit' });
    expect(binding.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'payments-developers' },
    ]);
    const app = hub.kube.storedObject('applications', 'argocd', 'payments-api') as unknown as {
      apiVersion: string;
      spec: Record<string, unknown>;
    };
    expect(app.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(app.spec).toMatchObject({
      source: { repoURL: `https://github.com/${REPO}` },
      destination: { namespace: 'payments-api' },
    });

    expect(hub.github.pulls(REPO)).toMatchObject([
      { number: 1, state: 'open', head: 'hub/provision-payments-api', base: 'main' },
    ]);
    const pipeline = hub.github.file(REPO, 'hub/provision-payments-api', '.github/workflows/hub-deploy.yaml');
    expect(pipeline).toContain('built payments-api for payments-api');
    expect(pipeline).toContain('${{ github.sha }}');

    // Every decision and step reached the audit trail, in order.
    await waitFor('the last audit event', () => hub.auditOf(accepted.id).some((u) => u.status === 'succeeded'));
    const audit = hub.auditOf(accepted.id);
    expect(audit.map((u) => (u.step ? `${u.step.name}:${u.step.status}` : u.status))).toEqual([
      'running',
      ...STEPS.map((s) => `${s}:succeeded`),
      'succeeded',
    ]);
    // One Slack thread for the request in the team's channel, the root edited to the newest state.
    await waitFor('the thread replies', () => {
      const [root] = hub.slack.roots('#team-payments');
      return root && hub.slack.replies('#team-payments', root.ts).length >= STEPS.length + 1;
    });
    expect(hub.slack.roots('#team-payments')).toHaveLength(1);
  });

  it('the same request re-sent → the same id, nothing made twice', async () => {
    const first = (await (await hub.submit(newApp(), 'backstage-task-1')).json()) as { id: string; status: string };
    expect(first.status).toBe('succeeded');
    const [original] = (await hub.db.selectFrom('provisioning_requests').select('id').execute()).map((r) => r.id);
    expect(first.id).toBe(original);
    // An open request for the same app and team is found by app and team too, without the key.
    const second = (await (
      await hub.submit(newApp({ appName: 'ledger', repositoryUrl: 'https://github.com/acme/ledger' }))
    ).json()) as {
      id: string;
    };
    const again = (await (
      await hub.submit(newApp({ appName: 'ledger', repositoryUrl: 'https://github.com/acme/ledger' }))
    ).json()) as {
      id: string;
    };
    expect(again.id).toBe(second.id);
    await hub.finished(second.id, 'rolled-back'); // acme/ledger is no repository of the GitHub fake
    expect(hub.kube.created('namespaces').map((w) => w.name)).toEqual(['payments-api', 'ledger']);
    expect(hub.github.pulls(REPO)).toHaveLength(1);
  });

  it('a policy refusal → rejected with every reason, nothing created, team told', async () => {
    const before = hub.kube.writes.length;
    const response = await hub.submit(
      newApp({
        appName: 'too-big',
        repositoryUrl: 'https://gitlab.example.com/other/too-big',
        requestedBy: 'user:default/mallory',
        quota: { cpu: '64', memory: '8Gi' },
      }),
    );
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const rejected = await hub.finished(id, 'rejected');
    expect(rejected.reasons).toEqual([
      'quota.cpu 64 exceeds the ceiling of team "payments" (8)',
      'repository host "gitlab.example.com" is not allowed (allowed: github.com)',
      'requestedBy "mallory" is not a member of team "payments"',
    ]);
    expect(rejected.steps).toEqual([]);
    expect(hub.kube.writes.length).toBe(before);
    await waitFor('the rejection audited', () => hub.auditOf(id).some((u) => u.status === 'rejected'));
    expect(hub.auditOf(id).find((u) => u.status === 'rejected')?.reasons).toHaveLength(3);
  });

  it('bad input → 422 naming each field; an unknown team is refused at the door', async () => {
    const response = await hub.submit({
      appName: 'Not_A_Label',
      repositoryUrl: 'ftp://x',
      ownerTeam: 'nobody',
      quota: { cpu: 'lots' },
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { details: { path: string }[] } };
    expect(body.error.details.map((d) => d.path).sort()).toEqual([
      'appName',
      'ownerTeam',
      'quota.cpu',
      'quota.memory',
      'repositoryUrl',
    ]);
  });

  it('retries retryable failures with backoff: a 503 from the API server, a GitHub rate limit', async () => {
    hub.kube.failCreates('namespaces', FakeKubernetesApi.status(503, 'ServiceUnavailable', 'etcd leader changed'), 2);
    hub.github.failNext('POST', /\/pulls$/, {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'retry-after': '0' },
      body: { message: 'API rate limit exceeded' },
    });
    const { id } = (await (await hub.submit(newApp({ appName: 'billing' }))).json()) as { id: string };
    const done = await hub.finished(id, 'succeeded');
    expect(done.steps.find((s) => s.name === 'namespace')?.attempts).toBe(3);
    expect(done.steps.find((s) => s.name === 'pipeline-pull-request')?.attempts).toBe(2);
    expect(hub.kube.created('namespaces').filter((w) => w.name === 'billing')).toHaveLength(1);
    expect(hub.github.pulls(REPO).filter((p) => p.head === 'hub/provision-billing')).toHaveLength(1);
  });

  it('a request delivered twice to two replicas runs once: the second waits for the lock, then finds it done', async () => {
    const replica = await hub.startReplica();
    hub.kube.holdCreates('limitranges', 1_500);
    const { id } = (await (await hub.submit(newApp({ appName: 'invoices' }))).json()) as { id: string };
    await waitFor('the LimitRange create', () =>
      hub.kube.created('limitranges').some((w) => w.namespace === 'invoices'),
    );
    // The same envelope again (a publisher's retry): the other replica takes it while the plan runs.
    const row = await hub.db
      .selectFrom('provisioning_requests')
      .select('event')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    await replica.publisher.publish(row.event as unknown as HubEvent);
    hub.kube.holdCreates('limitranges', 0);
    const done = await hub.finished(id, 'succeeded');
    expect(done.steps.every((s) => s.attempts === 1)).toBe(true);
    const writes = hub.kube.writes.filter(
      (w) => w.verb === 'create' && (w.namespace === 'invoices' || w.name === 'invoices'),
    );
    expect(writes.map((w) => `${w.plural}:${w.status}`)).toEqual([
      'namespaces:201',
      'resourcequotas:201',
      'limitranges:201',
      'rolebindings:201',
      'applications:201',
    ]);
  });

  it('a permanent failure at the RoleBinding → earlier steps compensated in reverse, rolled-back', async () => {
    hub.kube.failCreates(
      'rolebindings',
      FakeKubernetesApi.status(403, 'Forbidden', 'rolebindings is forbidden: user cannot bind edit'),
      1,
    );
    const { id } = (await (
      await hub.submit(newApp({ appName: 'checkout', repositoryUrl: `https://github.com/${REPO}` }))
    ).json()) as {
      id: string;
    };
    const done = await hub.finished(id, 'rolled-back');
    expect(done.steps.map((s) => [s.name, s.status])).toEqual([
      ['namespace', 'compensated'],
      ['resource-quota', 'compensated'],
      ['limit-range', 'compensated'],
      ['role-binding', 'failed'],
      ['argocd-application', 'skipped'],
      ['pipeline-pull-request', 'skipped'],
    ]);
    expect(done.steps[3]?.attempts).toBe(1);
    expect(done.reasons[0]).toMatch(/^role-binding: .*forbidden/);
    const deletes = hub.kube.writes.filter(
      (w) => w.verb === 'delete' && (w.namespace === 'checkout' || w.name === 'checkout'),
    );
    expect(deletes.map((w) => w.plural)).toEqual(['limitranges', 'resourcequotas', 'namespaces']);
    expect(hub.kube.deletedNamespaces).toContain('checkout');
  });

  it('hub requests list|show prints them through the gateway', async () => {
    const lines: string[] = [];
    const io = {
      out: (text: string) => lines.push(text),
      err: () => undefined,
      env: { HUB_GATEWAY_URL: hub.gatewayUrl, HUB_TOKEN: BACKSTAGE_TOKEN },
      cwd: process.cwd(),
    };
    expect(await main(['requests', 'list', '--status', 'succeeded'], io)).toBe(0);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.includes(' succeeded '))).toBe(true);
    const line = lines.find((l) => / payments-api /.test(l));
    expect(line).toMatch(/succeeded\s+payments-api\s+payments\s+6\/6 steps/);
    const id = line!.split(' ')[0]!;
    lines.length = 0;
    expect(await main(['requests', 'show', id], io)).toBe(0);
    expect(lines[0]).toContain('pipeline-pull-request  succeeded   attempts 1');
    expect(lines[0]).toContain(`pullRequest            https://github.com/${REPO}/pull/1`);
    expect(await main(['requests', 'show', 'nope'], { ...io, err: (t: string) => lines.push(t) })).toBe(1);
    expect(lines.at(-1)).toContain('404 No provisioning request has the id "nope"');
  });

  it('writes the plan to the outbox when Kubernetes and GitHub are not configured', async () => {
    const outbox = await ProvisioningHarness.start({
      env: { KUBE_API_URL: undefined, KUBE_TOKEN: undefined, GITHUB_TOKEN: undefined },
    });
    try {
      const { id } = (await (await outbox.submit(newApp())).json()) as { id: string };
      await outbox.finished(id, 'succeeded');
      const lines = (await readFile(join(outbox.env.HUB_DATA_DIR!, 'outbox', 'kubernetes.jsonl'), 'utf8'))
        .trim()
        .split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { operation: string }).operation)).toEqual(
        STEPS.slice(0, 5).map((s) => `${s}.create`),
      );
      const github = await readFile(join(outbox.env.HUB_DATA_DIR!, 'outbox', 'github.jsonl'), 'utf8');
      expect(github).toContain('pipeline-pull-request.create');
      expect(outbox.kube.writes).toHaveLength(0);
    } finally {
      await outbox.close();
    }
  }, 60_000);
});
