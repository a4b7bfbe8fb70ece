import { HubHeaders, topologyNames } from '@hub/messaging';
import { amqpUrl, QueueReader, uniqueName, waitFor } from '@hub/testing';
import { cardsOf, type NotifierHarness, ofIncident, startNotifier, update } from './__tests__/notifier.harness.js';

const ALERTS = '#platform-alerts';

describe('notifier: vendor failures', () => {
  let hub: NotifierHarness;
  let reader: QueueReader;

  beforeAll(async () => {
    hub = await startNotifier();
    reader = await QueueReader.open(amqpUrl());
  });

  afterAll(async () => {
    await reader?.close();
    await hub?.close();
  });

  const rootsOf = (key: string) => ofIncident(hub.slack.roots(ALERTS), key);
  const repliesOf = (key: string) => {
    const [root] = rootsOf(key);
    return root ? hub.slack.replies(ALERTS, root.ts) : [];
  };
  const parked = async () => {
    const messages = await reader.drain(topologyNames.deadLetterQueue(hub.queue));
    return messages.length > 0 ? messages : undefined;
  };

  it('retries a Teams 503 and a 429 without posting to Slack twice', async () => {
    const key = uniqueName('fp');
    hub.teams.respondNext({ status: 503 }, { status: 429, retryAfterSeconds: 1 });
    await hub.publish(update(key, 1, 'firing'));
    await waitFor('the card after two retries', () => cardsOf(hub.teams, key).length === 1, { timeoutMs: 20_000 });
    expect(rootsOf(key)).toHaveLength(1);
    expect(repliesOf(key)).toHaveLength(1);
    expect(hub.slack.calls('chat.update').filter((r) => r.body.includes(key))).toHaveLength(0);
  });

  it('parks a notification Teams refuses (4xx) with its reason, after Slack got it once', async () => {
    const key = uniqueName('fp');
    hub.teams.respondNext({ status: 400, body: { error: { code: 'BadRequest', message: 'card rejected' } } });
    const event = await hub.publish(update(key, 1, 'firing'));
    const [message] = await waitFor('parked notification', parked, { timeoutMs: 20_000 });
    expect(message?.properties.messageId).toBe(event.id);
    const reason = String(message?.properties.headers?.[HubHeaders.deadLetterReason]);
    expect(reason).toContain('Teams webhook answered 400');
    expect(reason).toContain('card rejected');
    expect(rootsOf(key)).toHaveLength(1);
    expect(repliesOf(key)).toHaveLength(1);
  });

  it('parks a notification Slack refuses for good (channel_not_found), after Teams got it', async () => {
    const key = uniqueName('fp');
    hub.slack.failNext('channel_not_found');
    await hub.publish(update(key, 1, 'firing'));
    const [message] = await waitFor('parked notification', parked, { timeoutMs: 20_000 });
    expect(String(message?.properties.headers?.[HubHeaders.deadLetterReason])).toContain(
      'chat.postMessage failed: channel_not_found',
    );
    expect(cardsOf(hub.teams, key)).toHaveLength(1);
    expect(rootsOf(key)).toHaveLength(0);
  });

  it('counts deliveries by channel and outcome on /metrics', async () => {
    const response = await hub.apps[0]!.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/hub_notifications_delivered_total\{channel="slack",outcome="delivered"\} \d+/);
    expect(response.body).toMatch(/hub_notifications_delivered_total\{channel="teams",outcome="retry"\} \d+/);
    expect(response.body).toMatch(/hub_notifications_delivered_total\{channel="teams",outcome="rejected"\} \d+/);
    const ready = await hub.apps[0]!.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toEqual({ status: 'ready' });
  });
});
