import { waitFor } from '@hub/testing';

const { alertWebhook, READ_TOKEN, startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

const labels = {
  alertname: 'ArgoCDApplicationUnhealthy',
  slo: 'argocd-application-health',
  severity: 'warning',
  name: 'orders-api',
  dest_namespace: 'orders',
};
const FINGERPRINT = 'fp-orders-api-timeline';

interface Timeline {
  incident: { id: string; status: string; resolvedAt: string | null };
  history: { status: string }[];
  actions: { kind: string; target: string; status: string }[];
  notifications: { channel: string; operation: string; state: string | null; messageTs: string | null }[];
  ticket: { status: string };
  timeline: { at: string; type: string }[];
}

describe('incident timeline end to end: GET /v1/incidents/{key} after S1', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
    hub.argocd.addApplication('orders-api', { destNamespace: 'orders' });
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  });

  const timeline = (key: string) =>
    fetch(`${hub.gatewayUrl}/v1/incidents/${encodeURIComponent(key)}`, {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });

  it('shows the state changes, the sync, and every Slack and Teams message the services recorded', async () => {
    expect((await hub.post(alertWebhook('firing', labels, FINGERPRINT))).status).toBe(202);
    await waitFor('remediated', async () => {
      const { rows } = await hub.schema.pool.query("SELECT 1 FROM incidents WHERE key = $1 AND status = 'remediated'", [
        FINGERPRINT,
      ]);
      return rows.length === 1;
    });
    expect((await hub.post(alertWebhook('resolved', labels, FINGERPRINT))).status).toBe(202);
    const body = await waitFor('the resolved timeline with every message recorded', async () => {
      const response = await timeline(FINGERPRINT);
      if (response.status !== 200) return undefined;
      const found = (await response.json()) as Timeline;
      const replies = found.notifications.filter((n) => n.channel === 'slack' && n.operation === 'reply');
      const cards = found.notifications.filter((n) => n.channel === 'teams');
      return found.incident.resolvedAt && replies.length === 4 && cards.length === 4 ? found : undefined;
    });

    expect(body.incident.status).toBe('resolved');
    expect(body.history.map((h) => h.status)).toEqual(['firing', 'remediating', 'remediated', 'resolved']);
    expect(body.actions).toMatchObject([{ kind: 'argocd.sync', target: 'orders-api', status: 'succeeded' }]);
    const root = hub.slack
      .roots('#platform-alerts')
      .find((m) => JSON.stringify(m.blocks).includes(`\`${FINGERPRINT}\``));
    const slack = body.notifications.filter((n) => n.channel === 'slack');
    expect(slack.filter((n) => n.operation === 'root')).toMatchObject([{ messageTs: root?.ts }]);
    expect(slack.filter((n) => n.operation === 'reply').map((n) => n.state)).toEqual([
      'firing',
      'remediating',
      'remediated',
      'resolved',
    ]);
    expect(body.ticket.status).toBe('none');
    const times = body.timeline.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    expect(new Set(body.timeline.map((e) => e.type))).toEqual(new Set(['state', 'action', 'notification']));
  });

  it('answers 404 for a key nobody knows, and 401 without the token', async () => {
    expect((await timeline('no-such-fingerprint')).status).toBe(404);
    expect((await fetch(`${hub.gatewayUrl}/v1/incidents/${FINGERPRINT}`)).status).toBe(401);
  });
});
