import { SpanKind } from '@opentelemetry/api';
import { type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { parentSpanId, recordSpans, startAlertmanager, waitFor } from '@hub/testing';

const spans = recordSpans('self-healing-e2e');
const { alertWebhook, INGEST_TOKEN, startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

const argoAlert = (name: string) => ({
  alertname: 'ArgoCDApplicationUnhealthy',
  slo: 'argocd-application-health',
  severity: 'warning',
  name,
  dest_namespace: 'payments',
});

describe('self-healing end to end (S1, S2)', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  });

  /** The incident's root message in #platform-alerts (the fake resolves the name to an id). */
  const rootFor = (app: string) =>
    hub.slack
      .roots('#platform-alerts')
      .find((message) => message.text.includes(app) || JSON.stringify(message.blocks).includes(app));

  const history = async (app: string) => {
    const { rows } = await hub.schema.pool.query<{ status: string }>(
      `SELECT h.status FROM incident_history h JOIN incidents i ON i.id = h.incident_id
        WHERE i.title LIKE $1 ORDER BY h.id`,
      [`%${app}%`],
    );
    return rows.map((r) => r.status);
  };

  it('S1: syncs the unhealthy app once and tells Slack and Teams in one thread', async () => {
    hub.argocd.addApplication('payments-api', { destNamespace: 'payments' });
    const response = await hub.post(alertWebhook('firing', argoAlert('payments-api')));
    expect(response.status).toBe(202);

    const root = await waitFor('root edited to "Remediation succeeded"', () => {
      const message = rootFor('payments-api');
      return message && JSON.stringify(message.blocks).includes('Remediation succeeded') ? message : undefined;
    });
    expect(hub.argocd.syncsOf('payments-api')).toHaveLength(1);
    expect(hub.argocd.syncsOf('payments-api')[0]?.appNamespace).toBe('argocd');
    // The root is edited to the newest state at once; replies keep their order and may trail it.
    const replies = await waitFor('the three replies in order', () => {
      const found = hub.slack.replies('#platform-alerts', root.ts);
      return /Firing[\s\S]*Remediation started[\s\S]*Remediation succeeded/.test(found.map((r) => r.text).join('\n'))
        ? found
        : undefined;
    });
    expect(replies.map((r) => r.text).join('\n')).toMatch(
      /Firing[\s\S]*Remediation started[\s\S]*Remediation succeeded/,
    );
    expect(hub.slack.roots('#platform-alerts').filter((m) => m.text.includes('payments-api'))).toHaveLength(1);
    await waitFor(
      'three Teams cards',
      () => hub.teams.cards.filter((c) => JSON.stringify(c).includes('payments-api')).length >= 3,
    );
    expect(JSON.stringify(hub.teams.cards)).toContain('"version":"1.4"');
    expect(await history('payments-api')).toEqual(['firing', 'remediating', 'remediated']);
  });

  it('S1: the resolved alert edits the root to "Resolved" and closes the incident', async () => {
    await hub.post(alertWebhook('resolved', argoAlert('payments-api')));
    await waitFor('root edited to "Resolved"', () =>
      JSON.stringify(rootFor('payments-api')?.blocks).includes('Resolved'),
    );
    expect(await history('payments-api')).toEqual(['firing', 'remediating', 'remediated', 'resolved']);
    const { rows } = await hub.schema.pool.query(`SELECT resolved_at FROM incidents WHERE title LIKE '%payments-api%'`);
    expect(rows[0].resolved_at).toBeInstanceOf(Date);
  });

  it('S1: the same alert firing again after it resolved opens a new thread', async () => {
    await hub.post(alertWebhook('firing', argoAlert('payments-api'), undefined, '2026-11-23T05:00:00Z'));
    await waitFor('a second root for payments-api', () => {
      const roots = hub.slack
        .roots('#platform-alerts')
        .filter((m) => JSON.stringify(m.blocks).includes('payments-api'));
      return roots.length === 2 ? roots : undefined;
    });
    const { rows } = await hub.schema.pool.query(
      `SELECT count(*)::int AS n FROM incidents WHERE title LIKE '%payments-api%' AND resolved_at IS NULL`,
    );
    expect(rows[0].n).toBe(1);
    expect(hub.argocd.syncsOf('payments-api')).toHaveLength(1); // within the sensor's cooldown: no second sync
  });

  it('S1: a sync that keeps failing is retried, then reported failed and escalated to on-call', async () => {
    hub.argocd.addApplication('billing-api', { destNamespace: 'billing' });
    hub.argocd.scriptSyncs({ status: 500, body: { error: 'boom', code: 13, message: 'boom' } }, 3); // HUB_ACTION_MAX_ATTEMPTS
    await hub.post(alertWebhook('firing', argoAlert('billing-api')));
    const escalation = await waitFor('on-call escalation', () =>
      hub.slack.roots('#oncall').find((m) => JSON.stringify(m).includes('billing-api')),
    );
    expect(JSON.stringify(escalation)).toContain('Escalated to on-call');
    expect(hub.argocd.find('POST', /billing-api\/sync$/)).toHaveLength(3);
    // The second `escalated` row is the escalation's diagnostics (escalation.diagnostics of the S1 sensor).
    await waitFor('the diagnostics entry', async () => (await history('billing-api')).length === 5);
    expect(await history('billing-api')).toEqual([
      'firing',
      'remediating',
      'remediation-failed',
      'escalated',
      'escalated',
    ]);
  });

  it('S1: a storm of 20 identical deliveries in a second is one event: one remediation, counted once', async () => {
    hub.argocd.addApplication('orders-api', { destNamespace: 'orders' });
    const storm = await Promise.all(
      Array.from({ length: 20 }, () => hub.post(alertWebhook('firing', argoAlert('orders-api')))),
    );
    expect(storm.every((r) => r.status === 202)).toBe(true);
    await waitFor('storm remediated', () =>
      JSON.stringify(rootFor('orders-api')?.blocks).includes('Remediation succeeded'),
    );
    const { rows } = await hub.schema.pool.query(`SELECT fire_count FROM incidents WHERE title LIKE '%orders-api%'`);
    expect(rows[0]?.fire_count).toBe(1); // the same id 20 times: runOnce drops the 19 copies
    expect(hub.argocd.syncsOf('orders-api')).toHaveLength(1);
  });

  it('S2: an ExternalSecret out of sync gets its force-sync annotation patched', async () => {
    hub.kubernetes.addExternalSecret('payments', 'db-credentials');
    await hub.post(
      alertWebhook('firing', {
        alertname: 'ExternalSecretNotReady',
        slo: 'externalsecret-sync',
        severity: 'warning',
        name: 'db-credentials',
        namespace: 'payments',
      }),
    );
    await waitFor('patch', () => hub.kubernetes.patches.length > 0);
    const patch = hub.kubernetes.patches[0]!;
    expect(JSON.stringify(patch)).toContain('force-sync');
    expect(JSON.stringify(patch)).toContain('merge-patch+json');
    await waitFor('S2 remediated in Slack', () =>
      JSON.stringify(rootFor('db-credentials')?.blocks).includes('Remediation succeeded'),
    );
  });

  it('traces the flow in one trace: webhook → sensor → executor → Argo CD → sensor → notifier → Slack', async () => {
    spans.reset();
    hub.argocd.addApplication('catalog-api', { destNamespace: 'catalog' });
    await hub.post(alertWebhook('firing', argoAlert('catalog-api')));
    await waitFor('catalog-api remediated', () =>
      JSON.stringify(rootFor('catalog-api')?.blocks).includes('Remediation succeeded'),
    );

    const server = spans.spans().find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /v1/webhooks/alertmanager');
    expect(server?.attributes['http.route']).toBe('/v1/webhooks/alertmanager');
    const url = (s: ReadableSpan) => String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '');
    const ancestorsIn = (all: readonly ReadableSpan[]) => {
      const byId = new Map(all.map((s) => [s.spanContext().spanId, s]));
      const ancestorsOf = (span: ReadableSpan): ReadableSpan[] => {
        const parent = byId.get(parentSpanId(span) ?? '');
        return parent ? [parent, ...ancestorsOf(parent)] : [];
      };
      return ancestorsOf;
    };
    // A span is recorded when it ends, its parents after it: the Slack edit may be the flow's last
    // call (the notifier leaves an edit to a newer update waiting behind), so wait for its chain too.
    const traced = await waitFor('the Slack update span and the spans it descends from', () => {
      const all = spans.trace(server!.spanContext().traceId);
      const edit = all.find((s) => s.kind === SpanKind.CLIENT && url(s).includes('chat.update'));
      return edit && ancestorsIn(all)(edit).includes(server!) ? all : undefined;
    });
    const ancestors = ancestorsIn(traced);
    const argoSync = traced.find((s) => s.kind === SpanKind.CLIENT && url(s).includes('/catalog-api/sync'));
    const slackUpdate = traced.find((s) => s.kind === SpanKind.CLIENT && url(s).includes('chat.update'));
    for (const leaf of [argoSync, slackUpdate]) {
      expect(leaf?.kind).toBe(SpanKind.CLIENT);
      expect(ancestors(leaf!)).toContain(server);
    }
    const consumers = new Set(
      traced.filter((s) => s.kind === SpanKind.CONSUMER).map((s) => s.name.split(' ')[1]!.split('-')[0]),
    );
    expect([...consumers].sort()).toEqual(expect.arrayContaining(['exec', 'notifier', 'sensor']));
    expect(JSON.stringify(rootFor('catalog-api'))).toContain(server!.spanContext().traceId);
  });

  it('works with a real Alertmanager posting its webhook', async () => {
    hub.argocd.addApplication('inventory-api', { destNamespace: 'inventory' });
    const alertmanager = await startAlertmanager(`${hub.gatewayUrl}/v1/webhooks/alertmanager`, INGEST_TOKEN);
    try {
      await alertmanager.push([
        { labels: argoAlert('inventory-api'), annotations: { summary: 'inventory-api is degraded' } },
      ]);
      await waitFor(
        'remediated after a real Alertmanager notification',
        () => JSON.stringify(rootFor('inventory-api')?.blocks).includes('Remediation succeeded'),
        { timeoutMs: 20_000 },
      );
      expect(hub.argocd.syncsOf('inventory-api')).toHaveLength(1);
    } finally {
      await alertmanager.stop();
    }
  });
});
