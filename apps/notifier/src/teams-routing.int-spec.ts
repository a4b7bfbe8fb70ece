import { FakeTeamsWebhook, uniqueName, waitFor } from '@hub/testing';
import { cardsOf, type NotifierHarness, ofIncident, startNotifier, update } from './__tests__/notifier.harness.js';

const TEAMS_YAML = `defaultTeam: platform
teams:
  platform:
    slack: { channel: '#platform-alerts' }
  payments:
    slack: { channel: '#team-payments' }
    msteams: { webhookUrlEnv: TEAMS_PAYMENTS_WEBHOOK_URL }
    oncall: { slack: '@payments-oncall', msteams: payments-oncall@example.com }
`;

const ROUTING_YAML = `routes:
  default: { slack: { channel: '#platform-alerts' } }
  oncall: { slack: { channel: '#oncall' } }
  payments-deploys: { team: payments, teams: false }
templates:
  firing: { word: 'On fire', slackEmoji: ':fire:' }
  message: { slackEmoji: ':rocket:' }
`;

const PAYMENTS = '#team-payments';

interface ReceiptRow {
  event_id: string;
  team: string | null;
  destination: string;
  channel: string;
  mode: string;
  operation: string;
  target: string;
  conversation: string | null;
  message_ts: string | null;
  http_status: number | null;
  state: string | null;
}

describe('notifier: team routing, on-call mentions, messages, templates and receipts', () => {
  let hub: NotifierHarness;
  let paymentsTeams: FakeTeamsWebhook;

  beforeAll(async () => {
    paymentsTeams = await new FakeTeamsWebhook().start();
    hub = await startNotifier({
      routing: ROUTING_YAML,
      teams: TEAMS_YAML,
      env: { TEAMS_PAYMENTS_WEBHOOK_URL: paymentsTeams.webhookUrl },
    });
  });

  afterAll(async () => {
    await hub?.close();
    await paymentsTeams?.stop();
  });

  const receipts = async (key: string) =>
    (
      await hub.schema.pool.query<ReceiptRow>(
        `SELECT event_id, team, destination, channel, mode, operation, target, conversation, message_ts,
                http_status, state
           FROM notification_receipts WHERE incident_key = $1 ORDER BY id`,
        [key],
      )
    ).rows;

  it("sends a team's incident to the team's Slack channel and Teams webhook, and records every call", async () => {
    const key = uniqueName('fp');
    const firing = await hub.publish({ ...update(key, 1, 'firing'), team: 'payments' });
    await waitFor('the root', () => ofIncident(hub.slack.roots(PAYMENTS), key).length === 1);
    await waitFor('the card', () => cardsOf(paymentsTeams, key).length === 1);
    const [root] = ofIncident(hub.slack.roots(PAYMENTS), key);
    expect(root?.text).toContain('On fire');
    expect(JSON.stringify(root?.blocks)).toContain(':fire:');
    expect(ofIncident(hub.slack.roots('#platform-alerts'), key)).toHaveLength(0);
    expect(cardsOf(hub.teams, key)).toHaveLength(0);

    const resolved = await hub.publish({ ...update(key, 2, 'resolved'), team: 'payments' });
    await waitFor('the follow-up card', () => cardsOf(paymentsTeams, key).length === 2);
    await waitFor('six receipts', async () => (await receipts(key)).length === 6);
    const rows = await receipts(key);
    const slackId = hub.slack.channelId(PAYMENTS);
    const replies = hub.slack.replies(PAYMENTS, root!.ts);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event_id: firing.id, channel: 'slack', operation: 'root', message_ts: root!.ts }),
        expect.objectContaining({ event_id: firing.id, operation: 'reply', message_ts: replies[0]!.ts }),
        expect.objectContaining({ event_id: resolved.id, operation: 'reply', message_ts: replies[1]!.ts }),
        expect.objectContaining({ event_id: resolved.id, operation: 'update', message_ts: root!.ts }),
        expect.objectContaining({ event_id: firing.id, channel: 'teams', operation: 'card', http_status: 202 }),
        expect.objectContaining({
          event_id: resolved.id,
          operation: 'follow-up',
          target: 'TEAMS_PAYMENTS_WEBHOOK_URL',
        }),
      ]),
    );
    for (const row of rows) {
      expect(row).toMatchObject({ team: 'payments', destination: 'team:payments', mode: 'live' });
      if (row.channel === 'slack') expect(row).toMatchObject({ conversation: slackId, target: PAYMENTS });
    }
    const titles = cardsOf(paymentsTeams, key).map((card) => JSON.stringify((card.body as unknown[])[0]));
    expect(titles[1]).toContain('↪ Update #2: Resolved');
    expect(titles[0]).not.toContain('↪');
  });

  it('mentions the team on-call on escalation and broadcasts the reply to the channel', async () => {
    const key = uniqueName('fp');
    await hub.publish({ ...update(key, 1, 'firing'), team: 'payments' });
    await hub.publish({ ...update(key, 2, 'escalated'), team: 'payments', mention: true });
    const root = await waitFor('the root', () => ofIncident(hub.slack.roots(PAYMENTS), key)[0]);
    await waitFor('two replies', () => hub.slack.replies(PAYMENTS, root.ts).length === 2);
    const escalation = hub.slack
      .calls('chat.postMessage')
      .map((call) => call.json as Record<string, unknown>)
      .find((params) => params.thread_ts === root.ts && String(params.text).includes('Escalated'));
    expect(escalation).toMatchObject({ reply_broadcast: 'true', link_names: 'true' });
    expect(String(escalation?.text)).toMatch(/^@payments-oncall /);
    const first = hub.slack
      .calls('chat.postMessage')
      .map((call) => call.json as Record<string, unknown>)
      .find((params) => params.thread_ts === root.ts && String(params.text).includes('On fire'));
    expect(first?.reply_broadcast).toBeUndefined();
    // The route of the escalation (oncall) still gets it, in its own thread and without the team's mention.
    const oncall = await waitFor('the #oncall root', () => ofIncident(hub.slack.roots('#oncall'), key)[0]);
    expect(oncall.text).toContain('Escalated');
    const [oncallReply] = await waitFor('the #oncall reply', () => {
      const replies = hub.slack.replies('#oncall', oncall.ts);
      return replies.length > 0 ? replies : undefined;
    });
    expect(oncallReply?.text).not.toContain('@payments-oncall');

    const card = await waitFor('the escalation card', () =>
      cardsOf(paymentsTeams, key).find((c) => JSON.stringify(c).includes('<at>')),
    );
    expect(card.msteams).toEqual({
      width: 'Full',
      entities: [
        {
          type: 'mention',
          text: '<at>payments-oncall@example.com</at>',
          mentioned: { id: 'payments-oncall@example.com', name: 'payments-oncall@example.com' },
        },
      ],
    });
  });

  it('keeps the existing routes for notifications without a team, with no mention', async () => {
    const key = uniqueName('fp');
    await hub.publish({ ...update(key, 1, 'escalated'), mention: true });
    const root = await waitFor('the on-call root', () => ofIncident(hub.slack.roots('#oncall'), key)[0]);
    await waitFor('the reply', () => hub.slack.replies('#oncall', root.ts).length === 1);
    expect(hub.slack.replies('#oncall', root.ts)[0]?.text).not.toContain('@');
    await waitFor('the default Teams card', () => cardsOf(hub.teams, key).length === 1);
    const [row] = await receipts(key);
    expect(row).toMatchObject({ team: null, destination: 'oncall' });
  });

  it('sends a one-off message once: no thread, no state, a receipt; a redelivery sends nothing', async () => {
    const key = uniqueName('deploy');
    const message = {
      incidentKey: key,
      sequence: 0,
      state: 'firing' as const,
      kind: 'message' as const,
      team: 'payments',
      title: 'Deployed payments-api a1b2c3d',
      text: 'Argo CD synced payments-api to a1b2c3d',
      severity: 'info' as const,
      fields: { revision: 'a1b2c3d' },
    };
    const event = await hub.publish(message);
    await waitFor('the message', () => ofIncident(hub.slack.roots(PAYMENTS), key).length === 1);
    await waitFor('the card', () => cardsOf(paymentsTeams, key).length === 1);
    await hub.publish(message, event.id);
    await waitFor('the redelivery marked', async () => {
      const { rows } = await hub.schema.pool.query(
        "SELECT 1 FROM hub_processed_events WHERE event_id = $1 AND consumer LIKE 'notifier:%'",
        [event.id],
      );
      return rows.length === 2;
    });
    const last = await hub.publish({ ...message, incidentKey: uniqueName('after') });
    await waitFor('a later message', () => ofIncident(hub.slack.roots(PAYMENTS), last.data.incidentKey).length === 1);

    const [posted] = ofIncident(hub.slack.roots(PAYMENTS), key);
    expect(posted?.text).toBe(':rocket: Deployed payments-api a1b2c3d');
    expect(JSON.stringify(posted?.blocks)).not.toContain('Firing');
    expect(hub.slack.replies(PAYMENTS, posted!.ts)).toHaveLength(0);
    expect(ofIncident(hub.slack.roots(PAYMENTS), key)).toHaveLength(1);
    expect(cardsOf(paymentsTeams, key)).toHaveLength(1);
    expect(JSON.stringify(cardsOf(paymentsTeams, key)[0])).not.toContain('"State"');
    const { rows } = await hub.schema.pool.query('SELECT 1 FROM notification_threads WHERE incident_key LIKE $1', [
      `${key}/%`,
    ]);
    expect(rows).toHaveLength(0);
    expect(await receipts(key)).toEqual([
      expect.objectContaining({ channel: 'slack', operation: 'message', state: null, message_ts: posted!.ts }),
      expect.objectContaining({ channel: 'teams', operation: 'card', http_status: 202 }),
    ]);
  });

  it('sends a route naming a team to that team’s channel', async () => {
    const key = uniqueName('deploy');
    await hub.publish({ ...update(key, 1, 'firing'), route: 'payments-deploys' });
    await waitFor('the root', () => ofIncident(hub.slack.roots(PAYMENTS), key).length === 1);
    const rows = await waitFor('the receipts', async () => {
      const found = await receipts(key);
      return found.length === 2 ? found : undefined;
    });
    expect(rows.every((r) => r.destination === 'payments-deploys' && r.team === 'payments')).toBe(true);
    expect(rows.map((r) => r.channel)).toEqual(['slack', 'slack']);
  });
});

describe('notifier: digest of a burst', () => {
  let hub: NotifierHarness;

  beforeAll(async () => {
    hub = await startNotifier({
      teams: TEAMS_YAML,
      // A long window and a batch of three: the third message sends the digest, so the test never waits on time.
      routing: `routes:\n  default: { slack: { channel: '#platform-alerts' }, teams: false }\ndigest: { windowMs: 30000, maxMessages: 3 }\n`,
    });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('sends three messages for one team as one message, each with its receipt', async () => {
    const keys = [uniqueName('deploy'), uniqueName('deploy'), uniqueName('deploy')];
    const events = await Promise.all(
      keys.map((key, i) =>
        hub.publish({
          incidentKey: key,
          sequence: 0,
          state: 'firing',
          kind: 'message',
          team: 'payments',
          title: `Deployed app-${i}`,
          text: `revision r${i}`,
        }),
      ),
    );
    const digest = await waitFor('the digest', () =>
      hub.slack.roots(PAYMENTS).find((m) => m.text.includes('3 notifications')),
    );
    // The receipts commit with the messages' markers, just after Slack answered.
    await waitFor('three receipts', async () => {
      const { rows } = await hub.schema.pool.query("SELECT 1 FROM notification_receipts WHERE channel = 'slack'");
      return rows.length === 3;
    });
    for (const i of [0, 1, 2]) expect(digest.text).toContain(`Deployed app-${i}`);
    expect(hub.slack.roots(PAYMENTS)).toHaveLength(1);
    const { rows } = await hub.schema.pool.query<{ event_id: string; operation: string; message_ts: string }>(
      "SELECT event_id, operation, message_ts FROM notification_receipts WHERE channel = 'slack' ORDER BY id",
    );
    expect(rows.map((r) => r.event_id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(rows.every((r) => r.operation === 'digest' && r.message_ts === digest.ts)).toBe(true);
  });
});
