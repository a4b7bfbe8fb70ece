import { createHmac } from 'node:crypto';
import { FakePagerDuty, waitFor } from '@hub/testing';

const { alertWebhook, SLACK_SIGNING_SECRET, startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

const ROUTING_KEY = 'R0UT1NGKEY0000000000000000000001';

const labels = (name: string) => ({
  alertname: 'ArgoCDApplicationUnhealthy',
  slo: 'argocd-application-health',
  severity: 'warning',
  name,
  dest_namespace: 'payments',
  team: 'payments',
});

describe('paging channels end to end (issue 17 item 1): the shipped S1 sensor pages on escalation', () => {
  let hub: Hub;
  const pagerduty = new FakePagerDuty();

  beforeAll(async () => {
    await pagerduty.start();
    hub = await startHub({
      env: { PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pagerduty.url, SLACK_INTERACTIVE: 'true' },
    });
  }, 90_000);

  afterAll(async () => {
    await hub?.stop();
    await pagerduty.stop();
  });

  const incidentOf = (app: string) =>
    waitFor(`incident of ${app}`, async () => {
      const { rows } = await hub.schema.pool.query<{ id: string; key: string; fire_count: number }>(
        'SELECT id, key, fire_count FROM incidents WHERE title LIKE $1 ORDER BY opened_at DESC LIMIT 1',
        [`%${app}%`],
      );
      return rows[0];
    });
  const historyLength = async (id: string) =>
    (await hub.schema.pool.query('SELECT 1 FROM incident_history WHERE incident_id = $1', [id])).rowCount ?? 0;
  const enqueued = (key: string, action: string) =>
    pagerduty
      .find('POST', /^\/v2\/enqueue$/)
      .filter((r) => (r.json as { dedup_key?: string }).dedup_key === key)
      .filter((r) => (r.json as { event_action?: string }).event_action === action);

  /** Fails every sync of `app` (HUB_ACTION_MAX_ATTEMPTS) so the S1 sensor escalates it. */
  async function escalate(app: string) {
    hub.argocd.addApplication(app, { destNamespace: 'payments' });
    hub.argocd.scriptSyncs({ status: 500, body: { error: 'boom', code: 13, message: 'boom' } }, 3);
    expect((await hub.post(alertWebhook('firing', labels(app)))).status).toBe(202);
    return incidentOf(app);
  }

  const click = (actionId: string, value: string, user: string) => {
    const timestamp = Math.floor(Date.now() / 1000);
    const payload = {
      type: 'block_actions',
      user: { id: `U-${user}`, username: user, name: user },
      actions: [{ action_id: actionId, value, type: 'button' }],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const signature = `v0=${createHmac('sha256', SLACK_SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return fetch(`${hub.gatewayUrl}/v1/webhooks/slack/interactions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature,
      },
      body,
    });
  };

  it('PagerDuty: an escalated S1 incident triggers once (repeats do not), a Slack Acknowledge acknowledges, recovery resolves', async () => {
    const incident = await escalate('pd-app');
    const page = await waitFor('the PagerDuty incident', () => pagerduty.incidents.get(incident.key));
    expect(page.status).toBe('triggered');
    const trigger = page.events[0] as {
      payload: { summary: string; custom_details: Record<string, unknown> };
      links: unknown[];
    };
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: incident.key,
      payload: { severity: 'critical', source: 'slo-remediation', group: 'payments', class: 'escalated' },
      client: 'Hub',
    });
    expect(trigger.payload.summary).toContain('pd-app');
    expect(trigger.payload.custom_details).toMatchObject({ incidentId: incident.id, sensor: 'slo-remediation' });
    expect(JSON.stringify(trigger.links)).toContain('prometheus.example'); // the alert's own link
    // The diagnostics entry is a second `escalated` update; the alert repeating is another one.
    await waitFor('the diagnostics entry', async () => (await historyLength(incident.id)) >= 5);
    // Another delivery of the same alert instance (a second receiver: a new event, the same startsAt).
    await hub.post({ ...alertWebhook('firing', labels('pd-app')), receiver: 'hub-pager' });
    await waitFor('the repeat counted', async () => (await incidentOf('pd-app')).fire_count >= 2);
    expect(enqueued(incident.key, 'trigger')).toHaveLength(1);

    expect((await click('hub:acknowledge', incident.id, 'alice')).status).toBe(200);
    await waitFor('acknowledged on PagerDuty', () => pagerduty.incidents.get(incident.key)?.status === 'acknowledged');

    await hub.post(alertWebhook('resolved', labels('pd-app')));
    await waitFor('resolved on PagerDuty', () => pagerduty.incidents.get(incident.key)?.status === 'resolved');
    expect(enqueued(incident.key, 'trigger')).toHaveLength(1);
    expect(enqueued(incident.key, 'acknowledge')).toHaveLength(1);
    expect(enqueued(incident.key, 'resolve')).toHaveLength(1);
    expect(page.triggers).toBe(1);
  });

  it('PagerDuty: a 503 and a 429 are retried through the retry tiers, and the page is sent once', async () => {
    pagerduty.fault({ status: 503, body: { status: 'unavailable' } });
    const incident = await escalate('pd-retry-app');
    await waitFor('a refused trigger', () => enqueued(incident.key, 'trigger').length >= 1);
    pagerduty.fault({ status: 429, headers: { 'retry-after': '1' }, body: { status: 'throttled' } });
    await waitFor('a rate-limited trigger', () => enqueued(incident.key, 'trigger').length >= 2);
    pagerduty.fault();
    const page = await waitFor('the PagerDuty incident', () => pagerduty.incidents.get(incident.key));
    await waitFor('the diagnostics entry', async () => (await historyLength(incident.id)) >= 5);
    expect(page.triggers).toBe(1);
    expect(page.events).toHaveLength(1);
    const receipts = await waitFor('the trigger receipt', async () => {
      const { rows } = await hub.schema.pool.query(
        `SELECT operation, http_status FROM notification_receipts WHERE channel = 'pagerduty' AND incident_id = $1`,
        [incident.id],
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(receipts).toEqual([{ operation: 'trigger', http_status: 202 }]);
  });
});
