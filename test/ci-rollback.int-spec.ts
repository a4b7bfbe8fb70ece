import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { waitFor } from '@hub/testing';

const { GITHUB_SECRET, startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

/** The incident title the sensor makes of examples/github/workflow_run-completed.json. */
const TITLE = 'CI failed on main of acme/payments-api — rolling back';

const workflowRun = JSON.parse(
  readFileSync(new URL('../examples/github/workflow_run-completed.json', import.meta.url), 'utf8'),
) as { workflow_run: Record<string, unknown> } & Record<string, unknown>;

/**
 * "Test suite failed → rollback" end to end: GitHub signs a failed `workflow_run` on main → the
 * gateway publishes `ci.workflow.completed` → the shipped sensor `ci-failure-rollback` opens an
 * incident and asks for `argocd.rollback` → the executor rolls the Argo CD fake back to the
 * deployment before the current one → the team's Slack thread shows it, and the incident resolves.
 */
describe('CI failure on the default branch → Argo CD rollback (shipped sensor)', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  });

  const deliver = (body: unknown, kind = 'workflow_run') => {
    const raw = JSON.stringify(body);
    return fetch(`${hub.gatewayUrl}/v1/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': kind,
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(raw).digest('hex')}`,
      },
      body: raw,
    });
  };

  it('rolls payments-api back to its previous deployment and tells the team in one thread', async () => {
    hub.argocd.addApplication('payments-api', {
      destNamespace: 'payments',
      history: [
        { id: 4, revision: '1111111111111111111111111111111111111111' },
        { id: 5, revision: '2222222222222222222222222222222222222222' },
      ],
    });
    expect((await deliver(workflowRun)).status).toBe(202);
    await waitFor('a rollback of payments-api', () => hub.argocd.rollbacks.length > 0, { timeoutMs: 20_000 });
    expect(hub.argocd.rollbacks).toEqual([expect.objectContaining({ app: 'payments-api', id: 4 })]);
    const root = await waitFor(
      'the thread of the incident resolved',
      () => {
        const message = hub.slack.roots('#platform-alerts').find((m) => m.text.includes(TITLE));
        return message && JSON.stringify(message.blocks).includes('Resolved') ? message : undefined;
      },
      { timeoutMs: 20_000 },
    );
    // The root is edited to the newest state at once; replies keep their order and may trail it.
    const inOrder =
      /Firing[\s\S]*Remediation started: .*argocd\.rollback payments-api[\s\S]*Remediation succeeded[\s\S]*Resolved/;
    const replies = await waitFor('the replies in order', () => {
      const text = hub.slack
        .replies('#platform-alerts', root.ts)
        .map((r) => r.text)
        .join('\n');
      return inOrder.test(text) ? text : undefined;
    });
    expect(replies).toMatch(
      /Firing[\s\S]*Remediation started: .*argocd\.rollback payments-api[\s\S]*Remediation succeeded[\s\S]*Resolved/,
    );
    expect(hub.slack.roots('#platform-alerts').filter((m) => m.text.includes(TITLE))).toHaveLength(1);
    const { rows } = await hub.schema.pool.query<{ kind: string; status: string; details: Record<string, unknown> }>(
      `SELECT kind, status, details FROM action_runs WHERE kind = 'argocd.rollback'`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        details: expect.objectContaining({ fromId: 5, toId: 4 }) as unknown,
      }),
    ]);
  });

  it('does nothing for a green run, or a failure on another branch', async () => {
    const before = hub.argocd.rollbacks.length;
    const run = workflowRun.workflow_run;
    expect((await deliver({ ...workflowRun, workflow_run: { ...run, id: 2, conclusion: 'success' } })).status).toBe(
      202,
    );
    expect((await deliver({ ...workflowRun, workflow_run: { ...run, id: 3, head_branch: 'feature-x' } })).status).toBe(
      202,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(hub.argocd.rollbacks).toHaveLength(before);
  });

  it('a push delivered to the documented URL shows up in the event log (`hub events --type git.push`)', async () => {
    const push = JSON.parse(readFileSync(new URL('../examples/github/push.json', import.meta.url), 'utf8')) as unknown;
    const response = await deliver(push, 'push');
    expect(response.status).toBe(202);
    const { ids } = (await response.json()) as { ids: string[] };
    const logged = await waitFor('git.push in GET /v1/events', async () => {
      const events = (await (await hub.request('/v1/events?type=git.push')).json()) as { events: { id: string }[] };
      return events.events.find((e) => e.id === ids[0]);
    });
    expect(logged).toMatchObject({ type: 'git.push', subject: 'refs/heads/main', hubsource: 'github' });
  });
});
