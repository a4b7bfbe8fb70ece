import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { amqpUrl, createVhost, deleteVhost, FakeKubernetesApi, freePort, uniqueName, waitFor } from '@hub/testing';
import { newApp, ProvisioningHarness } from './__tests__/provisioning.harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The built executor, as `npm start` runs it (tsx would not emit the decorator metadata Nest needs). */
const MAIN = 'apps/remediation-executor/dist/main.js';

/** The executor's real entry point as its own OS process, on the harness's broker, database and fakes. */
async function startExecutorProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'info', HUB_METRICS_PORT: String(await freePort()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function killed(child: ChildProcess): Promise<unknown> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  return exited;
}

describe('the executor killed (SIGKILL) mid-plan', () => {
  let hub: ProvisioningHarness;
  let vhost: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'apps/remediation-executor'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    // A vhost of its own: the process consumes the production queue name `remediation-executor`.
    vhost = await createVhost(uniqueName('s3-crash'));
    hub = await ProvisioningHarness.start({ startExecutor: false, env: { AMQP_URL: amqpUrl(vhost) } });
  }, 120_000);

  afterEach(async () => {
    for (const child of children.splice(0))
      if (child.exitCode === null && child.signalCode === null) await killed(child);
  });

  afterAll(async () => {
    await hub?.close();
    if (vhost) await deleteVhost(vhost);
  });

  const executor = async () => {
    const started = await startExecutorProcess(hub.env);
    children.push(started.child);
    await waitFor('the executor process ready', () => started.output().includes('health and metrics on'), {
      timeoutMs: 30_000,
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${started.output()}`);
    });
    return started;
  };

  it('between two steps: completes after a restart, no step made twice', async () => {
    // The LimitRange is stored, its answer held: the process dies after the change, before it knows.
    hub.kube.holdCreates('limitranges', 60_000);
    const first = await executor();
    const { id } = (await (await hub.submit(newApp({ appName: 'orders' }))).json()) as { id: string };
    await waitFor('the LimitRange create', () => hub.kube.created('limitranges').length === 1, { timeoutMs: 20_000 });
    await killed(first.child);
    expect((await hub.status(id)).steps.map((s) => s.status)).toEqual([
      'succeeded',
      'succeeded',
      'running',
      'pending',
      'pending',
      'pending',
    ]);
    hub.kube.holdCreates('limitranges', 0);

    const second = await executor();
    const done = await hub.finished(id, 'succeeded', 30_000);
    expect(done.steps.map((s) => [s.name, s.attempts])).toEqual([
      ['namespace', 1],
      ['resource-quota', 1],
      ['limit-range', 2],
      ['role-binding', 1],
      ['argocd-application', 1],
      ['pipeline-pull-request', 1],
    ]);
    const creates = (plural: string) =>
      hub.kube.writes.filter((w) => w.verb === 'create' && w.plural === plural && w.name !== 'argocd');
    expect(creates('namespaces')).toHaveLength(1);
    expect(creates('resourcequotas')).toHaveLength(1);
    // The resumed attempt found the LimitRange it had made (409) and verified it.
    expect(creates('limitranges').map((w) => w.status)).toEqual([201, 409]);
    for (const plural of ['rolebindings', 'applications']) expect(hub.kube.created(plural)).toHaveLength(1);
    expect(hub.github.pulls('acme/payments-api')).toHaveLength(1);
    expect(second.output()).toContain('resuming a provisioning plan');
  }, 90_000);

  it('during a compensation: the rollback resumes and ends rolled-back', async () => {
    hub.kube.failCreates('rolebindings', FakeKubernetesApi.status(403, 'Forbidden', 'rolebindings is forbidden'), 1);
    hub.kube.holdDeletes('resourcequotas', 60_000);
    const first = await executor();
    const { id } = (await (await hub.submit(newApp({ appName: 'refunds' }))).json()) as { id: string };
    const deletes = (plural: string) =>
      hub.kube.writes.filter(
        (w) => w.verb === 'delete' && w.plural === plural && (w.namespace === 'refunds' || w.name === 'refunds'),
      );
    await waitFor('the quota delete', () => deletes('resourcequotas').length === 1, { timeoutMs: 20_000 });
    await killed(first.child);
    hub.kube.holdDeletes('resourcequotas', 0);

    await executor();
    const done = await hub.finished(id, 'rolled-back', 30_000);
    expect(done.steps.map((s) => s.status)).toEqual([
      'compensated',
      'compensated',
      'compensated',
      'failed',
      'skipped',
      'skipped',
    ]);
    expect(deletes('limitranges')).toHaveLength(1);
    // The quota's delete went through before the crash: the resumed undo finds it gone (404) and goes on.
    expect(deletes('resourcequotas').map((w) => w.status)).toEqual([200, 404]);
    expect(deletes('namespaces')).toHaveLength(1);
    expect(done.reasons[0]).toMatch(/^role-binding: /);
  }, 90_000);
});
