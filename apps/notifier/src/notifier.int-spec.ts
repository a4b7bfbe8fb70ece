import { SpanKind, trace } from '@opentelemetry/api';
import { recordSpans, uniqueName, waitFor } from '@hub/testing';
import { cardsOf, type NotifierHarness, ofIncident, startNotifier, update } from './__tests__/notifier.harness.js';

const spans = recordSpans('notifier-test');
const GRAFANA_URL = 'http://grafana.example:3000';
const ALERTS = '#platform-alerts';

describe('notifier: one Slack thread per incident, a Teams card per update', () => {
  let hub: NotifierHarness;

  beforeAll(async () => {
    hub = await startNotifier({ replicas: 2, env: { GRAFANA_URL } });
  });

  afterAll(async () => {
    await hub?.close();
  });

  const rootsOf = (key: string, channel = ALERTS) => ofIncident(hub.slack.roots(channel), key);
  const repliesOf = (key: string, channel = ALERTS) => {
    const [root] = rootsOf(key, channel);
    return root ? hub.slack.replies(channel, root.ts) : [];
  };
  // Threads are stored per incident: `<incident key>/<incident id>` (the harness's id is `inc-<key>`).
  const threadRow = (key: string) =>
    hub.schema.pool.query<{ channel: string; last_sequence: number }>(
      'SELECT channel, last_sequence FROM notification_threads WHERE incident_key = $1 ORDER BY channel',
      [`${key}/inc-${key}`],
    );

  it('edits the root through firing → remediating → remediated → resolved, with a reply per update', async () => {
    const key = uniqueName('fp');
    const states = ['firing', 'remediating', 'remediated', 'resolved'] as const;
    for (const [index, state] of states.entries()) {
      await hub.publish(update(key, index + 1, state));
      await waitFor(`reply ${index + 1}`, () => repliesOf(key).length === index + 1, { timeoutMs: 20_000 });
      await waitFor(`root edit ${index}`, () => rootsOf(key)[0]?.edits.length === index, { timeoutMs: 20_000 });
    }
    const roots = rootsOf(key);
    expect(roots).toHaveLength(1);
    expect(roots[0]?.text).toContain('Resolved');
    expect(roots[0]?.edits.map((e) => e.text)).toEqual([
      expect.stringContaining('Firing'),
      expect.stringContaining('Remediation started'),
      expect.stringContaining('Remediation succeeded'),
    ]);
    expect(repliesOf(key).map((r) => r.text)).toEqual([
      expect.stringContaining('Firing'),
      expect.stringContaining('Remediation started'),
      expect.stringContaining('Remediation succeeded'),
      expect.stringContaining('Resolved'),
    ]);
    await waitFor('4 Teams cards', () => cardsOf(hub.teams, key).length === 4);
    expect((await threadRow(key)).rows).toEqual([{ channel: `slack:${ALERTS}`, last_sequence: 4 }]);
  });

  it('leaves one root at the newest state when updates of several incidents arrive shuffled and at once', async () => {
    const keys = [uniqueName('fp'), uniqueName('fp'), uniqueName('fp')];
    const shuffled = [
      [4, 'resolved'],
      [1, 'firing'],
      [3, 'remediated'],
      [2, 'remediating'],
    ] as const;
    await Promise.all(
      keys.flatMap((key) => shuffled.map(([sequence, state]) => hub.publish(update(key, sequence, state)))),
    );
    for (const key of keys) {
      await waitFor(`4 replies of ${key}`, () => repliesOf(key).length === 4, { timeoutMs: 20_000 });
      await waitFor(`4 cards of ${key}`, () => cardsOf(hub.teams, key).length === 4, { timeoutMs: 20_000 });
      await waitFor(`resolved root of ${key}`, () => rootsOf(key)[0]?.text.includes('Resolved'), { timeoutMs: 20_000 });
      expect(rootsOf(key)).toHaveLength(1);
      expect((await threadRow(key)).rows).toEqual([{ channel: `slack:${ALERTS}`, last_sequence: 4 }]);
    }
  });

  it('posts thread replies in sequence order when updates arrive 1, 3, 2, 4: replies read 1, 2, 3, 4', async () => {
    const key = uniqueName('fp');
    await hub.publish(update(key, 1, 'firing'));
    await waitFor('firing reply', () => repliesOf(key).length === 1);
    await hub.publish(update(key, 3, 'remediated'));
    // The root shows 3 at once, whether or not its reply waits.
    await waitFor('root at 3', () => rootsOf(key)[0]?.text.includes('Remediation succeeded'), { timeoutMs: 20_000 });
    await hub.publish(update(key, 2, 'remediating'));
    await hub.publish(update(key, 4, 'resolved'));
    await waitFor('4 replies', () => repliesOf(key).length === 4, { timeoutMs: 20_000 });
    expect(repliesOf(key).map((r) => r.text)).toEqual([
      expect.stringContaining('Firing'),
      expect.stringContaining('Remediation started'),
      expect.stringContaining('Remediation succeeded'),
      expect.stringContaining('Resolved'),
    ]);
    expect(rootsOf(key)[0]?.text).toContain('Resolved');
  });

  it('posts a reply whose predecessor never comes once its bounded wait is over', async () => {
    const key = uniqueName('fp');
    await hub.publish(update(key, 1, 'firing'));
    await waitFor('firing reply', () => repliesOf(key).length === 1);
    await hub.publish(update(key, 3, 'resolved'));
    await waitFor('the late reply', () => repliesOf(key).length === 2, { timeoutMs: 20_000 });
    expect(repliesOf(key)[1]?.text).toContain('Resolved');
  });

  it('sends an escalation to the on-call channel and keeps every root of the incident current', async () => {
    const key = uniqueName('fp');
    await hub.publish(update(key, 1, 'firing'));
    await waitFor('firing reply', () => repliesOf(key).length === 1);
    await hub.publish(update(key, 2, 'escalated'));
    await waitFor('default root escalated', () => rootsOf(key)[0]?.text.includes('Escalated'));
    expect(repliesOf(key, '#oncall')).toHaveLength(1);
    expect(rootsOf(key, '#oncall')[0]?.text).toContain('Escalated');
    expect(repliesOf(key)).toHaveLength(1);

    await hub.publish(update(key, 3, 'resolved'));
    await waitFor('resolved everywhere', () =>
      [rootsOf(key, '#oncall')[0], rootsOf(key)[0]].every((root) => root?.text.includes('Resolved')),
    );
    expect(repliesOf(key).map((r) => r.text)).toEqual([
      expect.stringContaining('Firing'),
      expect.stringContaining('Resolved'),
    ]);
  });

  it('waits out a 429 (Retry-After) and delivers once, without a second root', async () => {
    const key = uniqueName('fp');
    hub.slack.rateLimitNext(1, 1);
    await hub.publish(update(key, 1, 'firing'));
    await waitFor('reply after the rate limit', () => repliesOf(key).length === 1, { timeoutMs: 20_000 });
    expect(rootsOf(key)).toHaveLength(1);
    const posts = hub.slack.calls('chat.postMessage').filter((request) => request.body.includes(key));
    expect(posts).toHaveLength(3);
  });

  it('hands a long Retry-After to the retry tiers and still posts one root', async () => {
    const key = uniqueName('fp');
    hub.slack.rateLimitNext(1, 3);
    const event = await hub.publish(update(key, 1, 'firing'));
    await waitFor('reply after the retry', () => repliesOf(key).length === 1, { timeoutMs: 20_000 });
    expect(rootsOf(key)).toHaveLength(1);
    await waitFor('two attempts', () => processSpans(event.id).length === 2);
    expect(processSpans(event.id).map((s) => s.attributes['hub.ack.decision'])).toEqual(['retry', 'ack']);
  });

  it('sends nothing again when the same event is delivered twice', async () => {
    const key = uniqueName('fp');
    const event = await hub.publish(update(key, 1, 'firing'));
    await waitFor('first delivery', () => processSpans(event.id).length === 1 && repliesOf(key).length === 1);
    await hub.publish(update(key, 1, 'firing'), event.id);
    await waitFor('second delivery', () => processSpans(event.id).length === 2);
    expect(rootsOf(key)).toHaveLength(1);
    expect(repliesOf(key)).toHaveLength(1);
    expect(cardsOf(hub.teams, key)).toHaveLength(1);
  });

  it("shows the trace id and the Grafana link, and calls Slack and Teams inside the handler's trace", async () => {
    const key = uniqueName('fp');
    const traceId = await trace.getTracer('test').startActiveSpan('test', async (span) => {
      await hub.publish(update(key, 1, 'firing'));
      span.end();
      return span.spanContext().traceId;
    });
    await waitFor('reply', () => repliesOf(key).length === 1);
    await waitFor('card', () => cardsOf(hub.teams, key).length === 1);
    const root = JSON.stringify(rootsOf(key)[0]?.blocks);
    expect(root).toContain(traceId);
    expect(root).toContain(`"url":"${GRAFANA_URL}/explore?`);
    const card = JSON.stringify(cardsOf(hub.teams, key)[0]);
    expect(card).toContain(`{"title":"Trace id","value":"${traceId}"}`);
    expect(card).toContain(`"title":"View trace in Grafana","url":"${GRAFANA_URL}/explore?`);

    const clients = await waitFor('client spans', () => {
      const found = spans.trace(traceId).filter((s) => s.kind === SpanKind.CLIENT);
      return found.length >= 3 ? found : undefined;
    });
    const urls = clients.map((s) => String(s.attributes['url.full']));
    expect(urls.filter((u) => u.startsWith(`${hub.slack.url}/api/chat.postMessage`))).toHaveLength(2);
    expect(urls.filter((u) => u.startsWith(hub.teams.url))).toHaveLength(1);
    expect(clients.map((s) => s.attributes['http.response.status_code'])).not.toContain(undefined);
    // The vendor request carries the client span's context (the instrumentation adds `traceparent`).
    const sent = hub.slack.calls('chat.postMessage').map((r) => String(r.headers.traceparent));
    expect(sent.filter((header) => header.includes(traceId))).toHaveLength(2);
  });

  function processSpans(eventId: string) {
    return spans
      .spans()
      .filter((s) => s.name === `process ${hub.queue}` && s.attributes['messaging.message.id'] === eventId)
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  }
});
