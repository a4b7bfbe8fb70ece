import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RealAlertmanager, startAlertmanager, waitFor } from '@hub/testing';
import { main } from '../apps/cli/src/cli.js';

const { alertWebhook, CONFIG_DIR, INGEST_TOKEN, READ_TOKEN, SLACK_SIGNING_SECRET, startHub } =
  await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

/** slo-remediation with an approval gate: payments (alice, bob) decide within 30 minutes. */
const GATED_SENSOR = `apiVersion: hub/v1
kind: Sensor
metadata: { name: gated-sync }
spec:
  dependencies:
    - name: alert
      eventType: alert.firing
      filters: [{ path: data.labels.slo, op: eq, value: gated-sync }]
  incident:
    key: '{{ data.fingerprint }}'
    title: 'gated sync of {{ data.labels.name }}'
  triggers:
    - name: sync-app
      action: { kind: argocd.sync, target: '{{ data.labels.name }}', params: { name: '{{ data.labels.name }}' } }
      approval: { required: true, approvers: payments, timeout: 30m, onTimeout: deny }
`;

const labels = (name: string, slo = 'argocd-application-health') => ({
  alertname: 'ArgoCDApplicationUnhealthy',
  slo,
  severity: 'warning',
  name,
  dest_namespace: 'payments',
  team: 'payments',
});

describe('people in the loop: Slack buttons, silences, maintenance windows, approvals (issue 17)', () => {
  let hub: Hub;
  let configDir: string;
  let fixedNow: Date | undefined;
  let alertmanager: RealAlertmanager;
  /** Slack's `response_url`: what the gateway posted there. */
  let responses: Server;
  let responseUrl: string;
  const responded: unknown[] = [];

  beforeAll(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'hub-people-'));
    await cp(CONFIG_DIR, configDir, { recursive: true });
    await writeFile(join(configDir, 'sensors', 'gated-sync.yaml'), GATED_SENSOR);
    responses = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        responded.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => responses.listen(0, '127.0.0.1', resolve));
    responseUrl = `http://127.0.0.1:${(responses.address() as AddressInfo).port}/actions/T1/B2`;
    alertmanager = await startAlertmanager('http://127.0.0.1:9/unused', 'unused-token');
    hub = await startHub({
      configDir,
      clock: () => fixedNow ?? new Date(),
      env: { ALERTMANAGER_URL: alertmanager.url, SLACK_INTERACTIVE: 'true' },
    });
    for (const app of ['ack-app', 'silenced-app', 'window-app', 'gated-app', 'refused-app']) {
      hub.argocd.addApplication(app, { destNamespace: 'payments' });
    }
  }, 90_000);

  afterAll(async () => {
    await hub?.stop();
    await alertmanager?.stop();
    await new Promise((resolve) => responses?.close(resolve));
    await rm(configDir, { recursive: true, force: true });
  });

  const click = (
    actionId: string,
    value: string,
    user: string,
    { timestamp = Math.floor(Date.now() / 1000), secret = SLACK_SIGNING_SECRET, signed = true } = {},
  ) => {
    const payload = {
      type: 'block_actions',
      user: { id: `U-${user}`, username: user, name: user },
      actions: [{ action_id: actionId, value, type: 'button' }],
      response_url: responseUrl,
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return fetch(`${hub.gatewayUrl}/v1/webhooks/slack/interactions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        ...(signed ? { 'x-slack-signature': signature } : {}),
      },
      body,
    });
  };

  const query = async <T>(text: string, values: unknown[]): Promise<T[]> =>
    (await hub.schema.pool.query(text, values)).rows as T[];
  const incidentOf = (key: string, status?: string) =>
    waitFor(`incident ${key}${status ? ` ${status}` : ''}`, async () => {
      const rows = await query<{ id: string; status: string }>(
        'SELECT id, status FROM incidents WHERE key = $1 ORDER BY opened_at DESC LIMIT 1',
        [key],
      );
      return rows[0] && (!status || rows[0].status === status) ? rows[0] : undefined;
    });
  const historyOf = (id: string) =>
    query<{ status: string; detail: Record<string, unknown> }>(
      'SELECT status, detail FROM incident_history WHERE incident_id = $1 ORDER BY id',
      [id],
    );
  const threadReplies = (key: string) => {
    const root = hub.slack.roots('#team-payments').find((m) => JSON.stringify(m.blocks).includes(`\`${key}\``));
    return root ? hub.slack.replies('#team-payments', root.ts).map((m) => m.text) : [];
  };

  /** The decision buttons of the incident's root as Slack shows them now: action id → value. */
  const rootButtons = (key: string): Record<string, string> => {
    const root = hub.slack.roots('#team-payments').find((m) => JSON.stringify(m.blocks).includes(`\`${key}\``));
    const blocks = (root?.blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string }[] }[];
    const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
    const pairs: [string, string][] = [];
    for (const b of buttons) if (b.action_id && b.value !== undefined) pairs.push([b.action_id, b.value]);
    return Object.fromEntries(pairs);
  };

  it('a signed click acknowledges: a timeline entry by alice and "acknowledged by @alice" in the thread', async () => {
    expect((await hub.post(alertWebhook('firing', labels('ack-app'), 'fp-ack'))).status).toBe(202);
    const incident = await incidentOf('fp-ack', 'remediated');
    const buttons = await waitFor('the decision buttons on the root', () =>
      rootButtons('fp-ack')['hub:acknowledge'] ? rootButtons('fp-ack') : undefined,
    );
    expect(Object.keys(buttons)).toEqual([
      'hub:acknowledge',
      'hub:silence:1h',
      'hub:silence:4h',
      'hub:silence:resolved',
      'hub:resolve',
    ]);
    expect(buttons['hub:acknowledge']).toBe(incident.id);
    const answer = await click('hub:acknowledge', buttons['hub:acknowledge']!, 'alice');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('@alice') });
    await waitFor('the acknowledgement in the thread', () =>
      threadReplies('fp-ack').some((text) => text.includes('acknowledged by @alice')),
    );
    const history = await historyOf(incident.id);
    expect(history.at(-1)).toMatchObject({
      status: 'remediated',
      detail: { decision: 'acknowledge', by: 'alice', via: 'slack' },
    });
    const timeline = await fetch(`${hub.gatewayUrl}/v1/incidents/fp-ack`, {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    expect(JSON.stringify(await timeline.json())).toContain('acknowledged by @alice');
  });

  it('refuses unsigned, wrongly signed, stale and non-member clicks, and changes nothing', async () => {
    expect((await hub.post(alertWebhook('firing', labels('refused-app'), 'fp-refused'))).status).toBe(202);
    const incident = await incidentOf('fp-refused', 'remediated');
    const before = await historyOf(incident.id);

    const unsigned = await click('hub:resolve', incident.id, 'alice', { signed: false });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { message: string } }).error.message).toMatch(
      /X-Slack-Signature is missing/,
    );
    const forged = await click('hub:resolve', incident.id, 'alice', { secret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    const stale = await click('hub:resolve', incident.id, 'alice', { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { message: string } }).error.message).toMatch(/stale or replayed/);
    const stranger = await click('hub:resolve', incident.id, 'mallory');
    expect(stranger.status).toBe(200);
    const refusal = {
      response_type: 'ephemeral',
      replace_original: false,
      text: 'Not done: user "mallory" is not a member of team "payments".',
    };
    expect(await stranger.json()).toEqual(refusal);
    await waitFor("the refusal at Slack's response_url", () =>
      responded.some((r) => JSON.stringify(r) === JSON.stringify(refusal)),
    );

    // A click that is let through afterwards is applied, so the refused ones before it were not lost in flight.
    await click('hub:acknowledge', incident.id, 'bob');
    await waitFor('bob acknowledged', async () => (await historyOf(incident.id)).length === before.length + 1);
    const after = await historyOf(incident.id);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.at(-1)?.detail).toMatchObject({ decision: 'acknowledge', by: 'bob' });
    expect((await incidentOf('fp-refused')).status).toBe('remediated');
  });

  it('silence 1 h from Slack: the next instance of the alert opens, remediates and pages nothing', async () => {
    expect((await hub.post(alertWebhook('firing', labels('silenced-app'), 'fp-silenced'))).status).toBe(202);
    const incident = await incidentOf('fp-silenced', 'remediated');
    expect((await click('hub:silence:1h', incident.id, 'alice')).status).toBe(200);
    await waitFor('silenced in the thread', () =>
      threadReplies('fp-silenced').some((text) => text.includes('silenced by @alice for 1h')),
    );
    expect((await hub.post(alertWebhook('resolved', labels('silenced-app'), 'fp-silenced'))).status).toBe(202);
    await incidentOf('fp-silenced', 'resolved');
    const syncs = hub.argocd.syncsOf('silenced-app').length;
    const roots = hub.slack.roots('#team-payments').length;

    const again = alertWebhook('firing', labels('silenced-app'), 'fp-silenced', '2026-11-23T06:00:00Z');
    expect((await hub.post(again)).status).toBe(202);
    const [silence] = await waitFor('the repeat counted on the silence', async () => {
      const rows = await query<{ suppressed: number; created_by: string }>(
        'SELECT suppressed, created_by FROM silences WHERE incident_key = $1',
        ['fp-silenced'],
      );
      return rows[0]?.suppressed === 1 ? rows : undefined;
    });
    expect(silence).toMatchObject({ created_by: 'alice' });
    expect(await query('SELECT id FROM incidents WHERE key = $1', ['fp-silenced'])).toHaveLength(1);
    expect(hub.argocd.syncsOf('silenced-app')).toHaveLength(syncs);
    expect(hub.slack.roots('#team-payments')).toHaveLength(roots);
    const logged = await query("SELECT 1 FROM event_log WHERE type = $1 AND event->'data' @> $2", [
      'alert.firing',
      JSON.stringify({ startsAt: '2026-11-23T06:00:00Z', labels: { name: 'silenced-app' } }),
    ]);
    expect(logged).toHaveLength(1); // recorded, not acted on
  });

  it('a maintenance window (cron + duration in a time zone) holds remediation inside it, not outside', async () => {
    const created = await hub.request('/v1/silences', {
      matchers: [{ name: 'name', value: 'window-app' }],
      recurrence: { cron: '0 2 * * *', duration: '2h', timezone: 'Europe/Berlin' },
      createdBy: 'platform',
      comment: 'nightly maintenance',
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    fixedNow = new Date('2026-12-10T01:30:00Z'); // 02:30 in Berlin: inside
    const inside = alertWebhook('firing', labels('window-app'), 'fp-window-1', '2026-12-10T01:29:00Z');
    expect((await hub.post(inside)).status).toBe(202);
    await waitFor('held by the window', async () => {
      const rows = await query<{ suppressed: number }>('SELECT suppressed FROM silences WHERE id = $1', [id]);
      return rows[0]?.suppressed === 1;
    });
    expect(await query('SELECT 1 FROM incidents WHERE key = $1', ['fp-window-1'])).toHaveLength(0);

    fixedNow = new Date('2026-12-10T05:00:00Z'); // 06:00 in Berlin: outside
    const outside = alertWebhook('firing', labels('window-app'), 'fp-window-2', '2026-12-10T04:59:00Z');
    expect((await hub.post(outside)).status).toBe(202);
    await incidentOf('fp-window-2', 'remediated');
    expect(hub.argocd.syncsOf('window-app')).toHaveLength(1);
    fixedNow = undefined;
  });

  it('POST /v1/silences names every bad field (422)', async () => {
    const answer = await hub.request('/v1/silences', {
      matchers: [{ name: 'bad-name', value: '(', isRegex: true }],
      expr: 'data.labels.name ==',
      recurrence: { cron: '61 * * * *', duration: 'soon', timezone: 'Mars/Olympus' },
    });
    expect(answer.status).toBe(422);
    const paths = ((await answer.json()) as { error: { details: { path: string }[] } }).error.details.map(
      (p) => p.path,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        'matchers.0.name',
        'matchers.0.value',
        'expr',
        'recurrence.cron',
        'recurrence.duration',
        'recurrence.timezone',
        'createdBy',
      ]),
    );
  });

  it('a signed click approves a waiting action; it runs once, and a later click is told it was decided', async () => {
    expect((await hub.post(alertWebhook('firing', labels('gated-app', 'gated-sync'), 'fp-gated'))).status).toBe(202);
    const incident = await incidentOf('fp-gated');
    const [approval] = await waitFor('a waiting approval', async () => {
      const rows = await query<{ id: string; state: string }>(
        'SELECT id, state FROM approvals WHERE incident_id = $1',
        [incident.id],
      );
      return rows.length === 1 ? rows : undefined;
    });
    expect(approval?.state).toBe('waiting');
    expect(hub.argocd.syncsOf('gated-app')).toHaveLength(0);
    await waitFor('the waiting message in the thread', () =>
      threadReplies('fp-gated').some((text) => text.includes('waiting for approval by payments')),
    );
    const gated = await waitFor('Approve / Deny on the root', () =>
      rootButtons('fp-gated')['hub:approve'] ? rootButtons('fp-gated') : undefined,
    );
    expect(gated).toMatchObject({ 'hub:approve': approval!.id, 'hub:deny': approval!.id });

    expect(await (await click('hub:approve', approval!.id, 'mallory')).json()).toMatchObject({
      text: 'Not done: user "mallory" is not a member of team "payments".',
    });
    expect((await click('hub:approve', gated['hub:approve']!, 'bob')).status).toBe(200);
    await incidentOf('fp-gated', 'remediated');
    await waitFor('Approve / Deny gone from the root', () =>
      rootButtons('fp-gated')['hub:acknowledge'] && !rootButtons('fp-gated')['hub:approve'] ? true : undefined,
    );
    expect(hub.argocd.syncsOf('gated-app')).toHaveLength(1);
    expect(await (await click('hub:deny', approval!.id, 'alice')).json()).toMatchObject({
      text: `Not done: approval ${approval!.id} is already approved by bob.`,
    });
    expect(threadReplies('fp-gated').some((text) => text.includes('approved by @bob: starting argocd.sync'))).toBe(
      true,
    );
  });

  const cli = (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { HUB_GATEWAY_URL: hub.gatewayUrl, HUB_TOKEN: INGEST_TOKEN, HUB_USER: 'alice' };
    return main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd: process.cwd() }).then((code) => ({
      code,
      out: out.join('\n'),
      err: err.join('\n'),
    }));
  };

  it('hub silences add|list|expire, mirrored to a real Alertmanager and expired there too', async () => {
    const added = await cli(
      'silences',
      'add',
      '--match',
      'team=payments',
      '--match',
      'name=~"orders-.*"',
      '--for',
      '2h',
    );
    expect(added).toMatchObject({ code: 0 });
    const id = added.out.split(' ')[0]!;
    const mirrored = await query<{ alertmanager_id: string | null }>(
      'SELECT alertmanager_id FROM silences WHERE id = $1',
      [id],
    );
    const amId = mirrored[0]?.alertmanager_id;
    expect(amId).toMatch(/^[0-9a-f-]{36}$/);
    const inAlertmanager = async () =>
      (await (await fetch(`${alertmanager.url}/api/v2/silence/${amId}`)).json()) as {
        status: { state: string };
        matchers: unknown[];
        createdBy: string;
      };
    expect(await inAlertmanager()).toMatchObject({
      status: { state: 'active' },
      createdBy: 'alice',
      matchers: [
        { name: 'team', value: 'payments', isRegex: false, isEqual: true },
        { name: 'name', value: 'orders-.*', isRegex: true, isEqual: true },
      ],
    });
    expect((await cli('silences', 'list')).out).toContain(`${id}  active`);

    expect(await cli('silences', 'expire', id)).toMatchObject({ code: 0, out: expect.stringContaining('expired') });
    expect((await inAlertmanager()).status.state).toBe('expired');
    expect((await cli('silences', 'list')).out).not.toContain(id);

    // A Slack "until resolved" silence is listed while its incident is open, and as expired once it resolved.
    expect((await click('hub:silence:resolved', (await incidentOf('fp-ack')).id, 'alice')).status).toBe(200);
    const untilResolved = await waitFor('the until-resolved silence', async () => {
      const rows = await query<{ id: string }>('SELECT id FROM silences WHERE incident_key = $1', ['fp-ack']);
      return rows[0]?.id;
    });
    expect((await cli('silences', 'list')).out).toContain(`${untilResolved}  active`);
    expect((await hub.post(alertWebhook('resolved', labels('ack-app'), 'fp-ack'))).status).toBe(202);
    await incidentOf('fp-ack', 'resolved');
    expect((await cli('silences', 'list')).out).not.toContain(untilResolved);
    expect((await cli('silences', 'list', '--all')).out).toContain(`${untilResolved}  expired`);

    const bad = await cli('silences', 'add', '--match', 'team=payments', '--cron', '0 2 * * *');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('recurrence.duration');
  });

  it('hub deny <id> decides a waiting approval; an outsider is refused with the reason', async () => {
    const fp = 'fp-denied';
    expect((await hub.post(alertWebhook('firing', labels('refused-app', 'gated-sync'), fp))).status).toBe(202);
    const [approval] = await waitFor('a waiting approval', async () => {
      const rows = await query<{ id: string }>(
        "SELECT id FROM approvals WHERE incident_key = $1 AND state = 'waiting'",
        [fp],
      );
      return rows.length === 1 ? rows : undefined;
    });
    const outsider = await cli('deny', approval!.id, '--by', 'mallory');
    expect(outsider).toMatchObject({
      code: 1,
      err: expect.stringContaining('"mallory" is not a member of team "payments"'),
    });
    expect(await cli('deny', 'no-such-approval', '--by', 'bob')).toMatchObject({
      code: 1,
      err: expect.stringContaining('No approval has the id no-such-approval'),
    });
    expect(await cli('deny', approval!.id, '--by', 'bob', '--reason', 'change freeze')).toMatchObject({ code: 0 });
    await incidentOf(fp, 'remediation-failed');
    const [decided] = await query<{ state: string; decided_by: string; reason: string }>(
      'SELECT state, decided_by, reason FROM approvals WHERE id = $1',
      [approval!.id],
    );
    expect(decided).toEqual({ state: 'denied', decided_by: 'bob', reason: 'change freeze' });
    expect(hub.argocd.syncsOf('refused-app')).toHaveLength(1); // only fp-refused's remediation, not this one
  });
});
