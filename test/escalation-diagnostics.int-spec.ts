import { FakeKubernetesPods, waitFor } from '@hub/testing';

const { alertWebhook, READ_TOKEN, startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

const FINGERPRINT = 'fp-ledger-diagnostics';
const labels = {
  alertname: 'ArgoCDApplicationUnhealthy',
  slo: 'argocd-application-health',
  severity: 'warning',
  name: 'ledger-api',
  dest_namespace: 'ledger',
  team: 'payments',
};

describe('diagnostics on escalation (S1): Slack thread, JIRA comment, incident timeline', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
    hub.argocd.addApplication('ledger-api', { destNamespace: 'ledger' });
    new FakeKubernetesPods(hub.kubernetes)
      .addPod('ledger', 'ledger-api-7d9', {
        labels: { 'app.kubernetes.io/instance': 'ledger-api' },
        containerStatuses: [{ name: 'api', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
        logs: { api: ['starting', 'db login with password=hunter2', 'panic: ledger schema missing'] },
      })
      .addEvent('ledger', 'ledger-api-7d9', { reason: 'BackOff', message: 'Back-off restarting failed container api' });
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  });

  it('the sync fails → escalated → the pods’ diagnostics in the thread, on the ticket and in the timeline', async () => {
    hub.argocd.scriptSyncs({ status: 500, body: { error: 'boom', code: 13, message: 'boom' } }, 3);
    expect((await hub.post(alertWebhook('firing', labels, FINGERPRINT))).status).toBe(202);

    const issue = await waitFor('the JIRA ticket with a diagnostics comment', () =>
      hub.jira.issues.find(
        (i) => i.summary.includes('ledger-api') && JSON.stringify(i.comments).includes('panic: ledger schema missing'),
      ),
    );
    const comments = JSON.stringify(issue.comments);
    expect(comments).toContain('CrashLoopBackOff');
    expect(comments).toContain('BackOff');
    expect(comments).not.toContain('hunter2');

    const reply = await waitFor('the diagnostics reply in the Slack thread', () =>
      hub.slack.messagesIn('#team-payments').find((m) => m.threadTs && m.text.includes('Diagnostics')),
    );
    expect(JSON.stringify(reply)).toContain('panic: ledger schema missing');
    expect(JSON.stringify(reply)).not.toContain('hunter2');
    const root = hub.slack.roots('#team-payments').find((m) => m.ts === reply.threadTs);
    expect(root?.text ?? JSON.stringify(root?.blocks)).toMatch(/ledger-api/);

    const response = await fetch(`${hub.gatewayUrl}/v1/incidents/${encodeURIComponent(FINGERPRINT)}`, {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    const body = JSON.stringify(await response.json());
    expect(body).toContain('kubernetes.diagnostics');
    expect(body).toContain('panic: ledger schema missing');
    expect(body).not.toContain('hunter2');
    // Once: one diagnostics request and one reply for the one escalation.
    expect(
      hub.slack.messagesIn('#team-payments').filter((m) => m.threadTs && m.text.includes('Diagnostics')),
    ).toHaveLength(1);
  });
});
