import pg from 'pg';
import { TEST_DATABASE_URL, uniqueName, waitFor } from '@hub/testing';

const { alertWebhook, startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

/**
 * PostgreSQL ends the hub's connections (a restart, a failover, `pg_terminate_backend`) again and
 * again while an S1 flow is under way in every service — the gateway, the sensor, the executor
 * following a slow Argo CD sync, the notifier. No service may die (they run in this process: one
 * uncaught 'error' event fails the run), and once the database stays up the flow completes, once.
 */
describe('PostgreSQL terminating every hub connection mid-flow', () => {
  let hub: Hub;
  const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  // The hub's connections get a name of this test alone, so the terminations hit nothing else.
  const appName = uniqueName('hub-restart');

  beforeAll(async () => {
    // Read when each service creates its pool; unset again so the test's own clients keep theirs.
    process.env.PGAPPNAME = appName;
    try {
      hub = await startHub();
    } finally {
      delete process.env.PGAPPNAME;
    }
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
    await admin.end();
  });

  it('keeps every service up and completes the remediation once', async () => {
    // A sync that runs a while (the executor polls it), so terminations land mid-action.
    hub.argocd.addApplication('ledger-api', {
      destNamespace: 'payments',
      phases: [...Array<'Running'>(40).fill('Running'), 'Succeeded'],
    });
    const alert = {
      alertname: 'ArgoCDApplicationUnhealthy',
      slo: 'argocd-application-health',
      severity: 'warning',
      name: 'ledger-api',
      dest_namespace: 'payments',
    };
    expect((await hub.post(alertWebhook('firing', alert))).status).toBe(202);

    let terminated = 0;
    const stormEnds = Date.now() + 4_000;
    while (Date.now() < stormEnds) {
      const { rows } = await admin.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE application_name = $1 AND datname = current_database() AND pid <> pg_backend_pid()`,
        [appName],
      );
      terminated += rows.filter((r) => r.ok).length;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(terminated).toBeGreaterThan(5);

    const root = await waitFor(
      'root edited to "Remediation succeeded"',
      () => {
        const message = hub.slack
          .roots('#platform-alerts')
          .find((m) => m.text.includes('ledger-api') || JSON.stringify(m.blocks).includes('ledger-api'));
        return message && JSON.stringify(message.blocks).includes('Remediation succeeded') ? message : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(root).toBeDefined();
    expect(hub.argocd.syncsOf('ledger-api')).toHaveLength(1);
    expect(hub.slack.roots('#platform-alerts').filter((m) => JSON.stringify(m).includes('ledger-api'))).toHaveLength(1);
  }, 150_000);
});
