import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { FakeOpsgenie, FakePagerDuty, FakeWebhookReceiver, waitFor } from '@hub/testing';

const { alertWebhook, SLACK_SIGNING_SECRET, startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

const ROUTING_KEY = 'R0UT1NGKEY0000000000000000000001';
const WEBHOOK_SECRET = 'webhook-e2e-secret-0123456789';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validPayload = ajv.compile(
  JSON.parse(readFileSync(new URL('../docs/schemas/notification-webhook.schema.json', import.meta.url), 'utf8')),
);

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
  const receiver = new FakeWebhookReceiver(WEBHOOK_SECRET);
  const opsgenie = new FakeOpsgenie();

  beforeAll(async () => {
    await pagerduty.start();
    await receiver.start();
    await opsgenie.start();
    hub = await startHub({
      env: {
        PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
        PAGERDUTY_EVENTS_URL: pagerduty.url,
        SLACK_INTERACTIVE: 'true',
        WEBHOOK_URLS: receiver.hookUrl,
        WEBHOOK_SECRET,
        OPSGENIE_API_KEY: opsgenie.apiKey,
        OPSGENIE_API_URL: opsgenie.url,
      },
    });
  }, 90_000);

  afterAll(async () => {
    await hub?.stop();
    await pagerduty.stop();
    await receiver.stop();
    await opsgenie.stop();
  });

  /** The webhook payloads of one incident, by sequence. */
  const payloadsOf = (incidentId: string) =>
    [...receiver.delivered.values()]
      .map((p) => p as { id: string; incident: { id: string; sequence: number; state: string } })
      .filter((p) => p.incident.id === incidentId)
      .sort((a, b) => a.incident.sequence - b.incident.sequence);

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

  it('PagerDuty and Opsgenie: a 503 and a 429 are retried through the retry tiers, and each page is sent once', async () => {
    pagerduty.fault({ status: 503, body: { status: 'unavailable' } });
    opsgenie.fault({ status: 503, body: { message: 'unavailable' } });
    const incident = await escalate('pd-retry-app');
    await waitFor('a refused trigger', () => enqueued(incident.key, 'trigger').length >= 1);
    const creates = () =>
      opsgenie.find('POST', /^\/v2\/alerts$/).filter((r) => (r.json as { alias?: string }).alias === incident.key);
    await waitFor('a refused create', () => creates().length >= 1);
    pagerduty.fault({ status: 429, headers: { 'retry-after': '1' }, body: { status: 'throttled' } });
    opsgenie.fault({ status: 429, headers: { 'retry-after': '1' }, body: { message: 'throttled' } });
    await waitFor('a rate-limited trigger', () => enqueued(incident.key, 'trigger').length >= 2);
    await waitFor('a rate-limited create', () => creates().length >= 2);
    pagerduty.fault();
    opsgenie.fault();
    const alert = await waitFor('the Opsgenie alert', () => opsgenie.alerts.get(incident.key));
    const page = await waitFor('the PagerDuty incident', () => pagerduty.incidents.get(incident.key));
    await waitFor('the diagnostics entry', async () => (await historyLength(incident.id)) >= 5);
    expect(page.triggers).toBe(1);
    expect(page.events).toHaveLength(1);
    expect(alert.count).toBe(1);
    const receipts = await waitFor('the trigger receipt', async () => {
      const { rows } = await hub.schema.pool.query(
        `SELECT channel, operation, http_status FROM notification_receipts
          WHERE channel IN ('pagerduty', 'opsgenie') AND incident_id = $1 ORDER BY channel`,
        [incident.id],
      );
      return rows.length > 1 ? rows : undefined;
    });
    expect(receipts).toEqual([
      { channel: 'opsgenie', operation: 'trigger', http_status: 202 },
      { channel: 'pagerduty', operation: 'trigger', http_status: 202 },
    ]);
  });

  it('Opsgenie: the escalation creates one alert by alias with the team as responder; acknowledge and close follow', async () => {
    const incident = await escalate('og-app');
    const alert = await waitFor('the Opsgenie alert', () => opsgenie.alerts.get(incident.key));
    expect(alert.create).toMatchObject({
      alias: incident.key,
      responders: [{ type: 'team', name: 'payments' }],
      priority: 'P1',
      source: 'Hub',
      details: { incidentId: incident.id, sensor: 'slo-remediation' },
    });
    expect(String(alert.create.message)).toContain('og-app');
    await waitFor('the diagnostics entry', async () => (await historyLength(incident.id)) >= 5);
    await hub.post({ ...alertWebhook('firing', labels('og-app')), receiver: 'hub-pager' });
    await waitFor('the repeat counted', async () => (await incidentOf('og-app')).fire_count >= 2);

    expect((await click('hub:acknowledge', incident.id, 'alice')).status).toBe(200);
    await waitFor('acknowledged on Opsgenie', () => alert.acknowledged);
    await hub.post(alertWebhook('resolved', labels('og-app')));
    await waitFor('closed on Opsgenie', () => alert.status === 'closed');
    expect(alert.count).toBe(1);
    expect(alert.actions).toEqual(['acknowledge', 'close']);
    const creates = opsgenie
      .find('POST', /^\/v2\/alerts$/)
      .filter((r) => (r.json as { alias?: string }).alias === incident.key);
    expect(creates).toHaveLength(1);
    expect(creates[0]!.headers.authorization).toBe(`GenieKey ${opsgenie.apiKey}`);
  });

  it('webhook: every update of an incident is POSTed once, signed, and matches the documented schema', async () => {
    const incident = await escalate('hook-app');
    await waitFor('the escalation on the webhook', () =>
      payloadsOf(incident.id).some((p) => p.incident.state === 'escalated'),
    );
    await hub.post(alertWebhook('resolved', labels('hook-app')));
    const payloads = await waitFor('the resolved update on the webhook', () => {
      const found = payloadsOf(incident.id);
      return found.some((p) => p.incident.state === 'resolved') ? found : undefined;
    });
    const states = payloads.map((p) => p.incident.state);
    expect(states[0]).toBe('firing');
    expect(states).toContain('escalated');
    for (const payload of payloads) {
      expect(validPayload(payload), JSON.stringify(validPayload.errors)).toBe(true);
      expect(receiver.posts.get(payload.id)).toBe(1);
    }
    expect(receiver.refused).toHaveLength(0);
    const signed = receiver.find('POST', /^\/hooks\/hub$/)[0]!;
    expect(signed.headers['x-hub-signature-256']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(signed.headers['idempotency-key']).toBe((signed.json as { id: string }).id);
  });

  it('webhook: a receiver answering 503, then 429, gets each update once when it recovers', async () => {
    receiver.fault({ status: 503, body: { error: 'down' } });
    const incident = await escalate('hook-retry-app');
    const faulted = () =>
      receiver.find('POST', /^\/hooks\/hub$/).filter((r) => JSON.stringify(r.json).includes(incident.id));
    await waitFor('a refused post', () => faulted().length >= 1);
    receiver.fault({ status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } });
    const refusedSoFar = faulted().length;
    await waitFor('a rate-limited post', () => faulted().length > refusedSoFar);
    receiver.fault();
    const payloads = await waitFor('the escalation on the webhook', () => {
      const found = payloadsOf(incident.id);
      return found.some((p) => p.incident.state === 'escalated') ? found : undefined;
    });
    for (const payload of payloads) expect(receiver.posts.get(payload.id)).toBe(1);
    expect(new Set(payloads.map((p) => p.id)).size).toBe(payloads.length);
  });
});
