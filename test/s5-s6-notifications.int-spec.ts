import { readFile } from 'node:fs/promises';
import { CLOUDEVENTS_JSON } from '@hub/contracts';
import { waitFor } from '@hub/testing';

const { startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

/** The example events shipped for `hub sensors test`, one CloudEvent per line. */
async function examples(name: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(new URL(`../examples/events/${name}.jsonl`, import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('S5 and S6 end to end: team deployment messages, status page', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
    hub.statuspage.addComponent('cmp-checkout', 'Checkout');
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  });

  it('S5: an Argo CD notification becomes one message in the owning team’s channel, with revision and link', async () => {
    const response = await hub.request('/v1/webhooks/argocd', {
      app: 'payments-api',
      phase: 'Succeeded',
      revision: 'a1b2c3d',
      health: 'Healthy',
      finishedAt: '2026-11-23T08:00:00Z',
      namespace: 'payments',
      team: 'payments',
      url: 'https://argocd.example.com/applications/argocd/payments-api',
    });
    expect(response.status).toBe(202);
    const message = await waitFor('the team message', () =>
      hub.slack.roots('#team-payments').find((m) => m.text.includes('Deployed payments-api a1b2c3d')),
    );
    expect(JSON.stringify(message.blocks)).toContain('https://argocd.example.com/applications/argocd/payments-api');
    expect(hub.slack.replies('#team-payments', message.ts)).toHaveLength(0);
    await waitFor('the Teams card', () => hub.teams.cards.some((c) => JSON.stringify(c).includes('a1b2c3d')));
  });

  it('S5: the shipped example events reach the owner team, or the default team', async () => {
    const [, failed, basic] = await examples('deployment-notify');
    for (const event of [failed, basic]) {
      expect((await hub.request('/v1/events', event, CLOUDEVENTS_JSON)).status).toBe(202);
    }
    await waitFor('the failure in #team-payments', () =>
      hub.slack
        .roots('#team-payments')
        .some((m) => m.text.includes('Deployment of checkout 9f8e7d6 to staging failed')),
    );
    await waitFor('the basic message in the default team channel', () =>
      hub.slack.roots('#platform-alerts').some((m) => m.text.includes('Deployed docs-site to production')),
    );
  });

  it('S6: degraded opens the page incident and degrades the component; recovered resolves both; the timeline shows it', async () => {
    const [degraded, recovered] = await examples('service-status');
    expect((await hub.request('/v1/events', degraded, CLOUDEVENTS_JSON)).status).toBe(202);
    await waitFor('the page incident', () => hub.statuspage.incidentsOf('cmp-checkout').length === 1);
    expect(hub.statuspage.components.get('cmp-checkout')?.status).toBe('degraded_performance');
    expect(hub.statuspage.incidents[0]).toMatchObject({
      name: 'checkout is degraded',
      status: 'investigating',
      metadata: { hub: { key: 'service/checkout' } },
    });

    expect((await hub.request('/v1/events', recovered, CLOUDEVENTS_JSON)).status).toBe(202);
    await waitFor('the page incident resolved', () => hub.statuspage.incidents[0]?.status === 'resolved');
    expect(hub.statuspage.components.get('cmp-checkout')?.status).toBe('operational');
    expect(hub.statuspage.incidents).toHaveLength(1);

    const timeline = await waitFor('the timeline with both status page actions', async () => {
      const response = await hub.request(`/v1/incidents/${encodeURIComponent('service/checkout')}`);
      const body = (await response.json()) as {
        actions: { kind: string; status: string }[];
        incident: { status: string };
      };
      return body.actions.filter((a) => a.status === 'succeeded').length === 2 ? body : undefined;
    });
    expect(timeline.incident.status).toBe('resolved');
    expect(timeline.actions.map((a) => a.kind)).toEqual(['statuspage.update', 'statuspage.update']);
  });
});
