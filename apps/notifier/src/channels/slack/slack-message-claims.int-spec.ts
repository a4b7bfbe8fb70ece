import { randomUUID } from 'node:crypto';
import { uniqueName, waitFor } from '@hub/testing';
import { SLACK_TOKEN, startNotifier, type NotifierHarness } from '../../__tests__/notifier.harness.js';
import { POST_METADATA_TYPE } from './slack-post-reconciler.js';

const CHANNEL = '#platform-alerts';

/**
 * A one-off Slack message is claimed in one short transaction and recorded in another: no
 * transaction is open while Slack is called, and a try that crashed between the post and the
 * record is reconciled by the post's key instead of posting twice.
 */
describe('Slack messages: claim, post, record', () => {
  let hub: NotifierHarness;

  beforeAll(async () => {
    hub = await startNotifier();
  });

  afterAll(async () => {
    await hub?.close();
  });

  const message = (incidentKey: string) => ({
    incidentKey,
    sequence: 0,
    state: 'firing' as const,
    kind: 'message' as const,
    title: `Deployed ${incidentKey}`,
    text: 'synced',
    severity: 'info' as const,
  });

  const markers = async (eventId: string) =>
    (
      await hub.schema.pool.query<{ consumer: string }>(
        'SELECT consumer FROM hub_processed_events WHERE event_id = $1 ORDER BY consumer',
        [eventId],
      )
    ).rows.map((r) => r.consumer);

  it('has its claim committed before Slack is called (no transaction held across the call)', async () => {
    const id = randomUUID();
    let seenDuringCall: string[] | undefined;
    hub.slack.route('POST', /^\/api\/chat\.postMessage$/, async () => {
      // Another session sees what is committed: an open transaction's insert would be invisible.
      seenDuringCall ??= await markers(id);
      return undefined; // fall through to the fake's own answer
    });
    await hub.publish(message(uniqueName('deploy')), id);
    await waitFor('posted and recorded', async () => (await markers(id)).some((c) => c.startsWith('notifier:')));
    expect(seenDuringCall).toEqual([`claim:notifier:slack-message:slack:${CHANNEL}`]);
  });

  it('finds the post of a try that crashed before recording it, and records it instead of posting again', async () => {
    const id = randomUUID();
    const key = uniqueName('crashed');
    // The earlier try: claimed a minute ago, posted (with its key), never recorded.
    await hub.schema.pool.query(
      "INSERT INTO hub_processed_events (consumer, event_id, processed_at) VALUES ($1, $2, now() - interval '1 minute')",
      [`claim:notifier:slack-message:slack:${CHANNEL}`, id],
    );
    const earlier = await fetch(`${hub.slack.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SLACK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: CHANNEL,
        text: `Deployed ${key}`,
        metadata: { event_type: POST_METADATA_TYPE, event_payload: { key: `${id}:message:${CHANNEL}` } },
      }),
    });
    const { ts } = (await earlier.json()) as { ts: string };
    const before = hub.slack.calls('chat.postMessage').length;

    await hub.publish(message(key), id);
    await waitFor('recorded', async () => (await markers(id)).some((c) => c.startsWith('notifier:')));
    expect(hub.slack.calls('chat.postMessage')).toHaveLength(before); // not posted again
    expect(hub.slack.roots(CHANNEL).filter((m) => m.text.includes(key))).toHaveLength(1);
    const { rows } = await hub.schema.pool.query<{ message_ts: string }>(
      "SELECT message_ts FROM notification_receipts WHERE event_id = $1 AND channel = 'slack'",
      [id],
    );
    expect(rows).toEqual([{ message_ts: ts }]);
  });

  it('finds the root of an incident try that died between its post and its thread record, and threads under it', async () => {
    const incidentKey = uniqueName('root-crash');
    const incidentId = `inc-${incidentKey}`;
    // The earlier try: marked, posted the root (with its key), died before recording the thread.
    await hub.schema.pool.query('INSERT INTO hub_processed_events (consumer, event_id) VALUES ($1, $2)', [
      `notifier:slack-root-try:slack:${CHANNEL}`,
      incidentId,
    ]);
    const earlier = await fetch(`${hub.slack.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SLACK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: CHANNEL,
        text: `ArgoCD application ${incidentKey} is unhealthy`,
        metadata: {
          event_type: POST_METADATA_TYPE,
          event_payload: { key: `${incidentKey}/${incidentId}:root:slack:${CHANNEL}` },
        },
      }),
    });
    const { ts } = (await earlier.json()) as { ts: string };

    await hub.publish({ incidentKey, sequence: 1, state: 'firing' }, randomUUID());
    await waitFor('the reply in the earlier root', () => hub.slack.replies(CHANNEL, ts).length === 1);
    expect(hub.slack.roots(CHANNEL).filter((m) => m.text.includes(incidentKey))).toHaveLength(1);
    // The thread is recorded with the update's other calls, in the statement after the reply.
    const threads = async () =>
      (
        await hub.schema.pool.query<{ thread_ts: string }>(
          'SELECT thread_ts FROM notification_threads WHERE incident_key = $1',
          [`${incidentKey}/${incidentId}`],
        )
      ).rows;
    await waitFor('the thread recorded', async () => (await threads()).length > 0);
    expect(await threads()).toEqual([{ thread_ts: ts }]);
  });
});
