import { type FakeJiraCloud, recordSpans, uniqueName, waitFor } from '@hub/testing';
import { request, startTicketing, type TicketingHarness } from './__tests__/ticketing.harness.js';
import { fingerprintMarker } from './tickets/ticket-content.js';

const spans = recordSpans('ticketing-redelivery-test');

function decisions(queue: string, eventId: string): unknown[] {
  return spans
    .spans()
    .filter((s) => s.name === `process ${queue}` && s.attributes['messaging.message.id'] === eventId)
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])
    .map((s) => s.attributes['hub.ack.decision']);
}

describe('ticketing: rate limits, failures and redeliveries never make a second ticket', () => {
  let hub: TicketingHarness;
  let jira: FakeJiraCloud;

  beforeAll(async () => {
    hub = await startTicketing({ vendor: 'jira-cloud', replicas: 2 });
    jira = hub.jira as FakeJiraCloud;
  });

  afterAll(async () => {
    await hub?.close();
  });

  const issuesOf = (fp: string) => jira.withLabel(fingerprintMarker(fp));
  const settled = (eventId: string) =>
    waitFor('acked', () => decisions(hub.queue, eventId).includes('ack'), { timeoutMs: 20_000 });

  it('waits out a short Retry-After in the handler: one attempt, one issue', async () => {
    const fp = uniqueName('fp');
    jira.rateLimitNext(2, 1);
    const event = await hub.publish(request('open', fp));
    await settled(event.id);
    expect(decisions(hub.queue, event.id)).toEqual(['ack']);
    expect(issuesOf(fp)).toHaveLength(1);
  });

  it('hands a long Retry-After to the retry tiers: retry, then one issue', async () => {
    const fp = uniqueName('fp');
    jira.rateLimitNext(1, 3);
    const event = await hub.publish(request('open', fp));
    await settled(event.id);
    expect(decisions(hub.queue, event.id)).toEqual(['retry', 'ack']);
    expect(issuesOf(fp)).toHaveLength(1);
  });

  it('gets through a 429 storm: twelve incidents at once, each with exactly one issue', async () => {
    const fps = Array.from({ length: 12 }, () => uniqueName('fp'));
    jira.rateLimitNext(20, 1);
    const events = await Promise.all(fps.map((fp) => hub.publish(request('open', fp))));
    for (const event of events) await settled(event.id);
    for (const fp of fps) expect(issuesOf(fp)).toHaveLength(1);
    expect(
      jira.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue').length,
    ).toBeGreaterThanOrEqual(12);
  });

  it('adopts the issue whose create answer was lost (the crash window between create and map write)', async () => {
    const fp = uniqueName('fp');
    jira.dropNextCreate();
    const event = await hub.publish(request('open', fp));
    await settled(event.id);
    expect(decisions(hub.queue, event.id)).toEqual(['retry', 'ack']);
    const [issue] = issuesOf(fp);
    expect(issuesOf(fp)).toHaveLength(1);
    expect(await hub.rows(fp)).toEqual([{ status: 'open', display_key: issue!.key, resolution: null }]);

    await hub.publish(request('open', fp));
    await waitFor('the repeat lands on the adopted issue', () => issue!.comments.length === 1);
    expect(issuesOf(fp)).toHaveLength(1);
  });

  it('keeps the claim through a 5xx on create and creates once the claim has settled', async () => {
    const fp = uniqueName('fp');
    jira.failNext(500);
    const event = await hub.publish(request('open', fp));
    await settled(event.id);
    expect(decisions(hub.queue, event.id).at(0)).toBe('retry');
    expect(issuesOf(fp)).toHaveLength(1);
    expect((await hub.rows(fp)).map((r) => r.status)).toEqual(['open']);
  });

  it('serialises one fingerprint across two replicas: six requests at once → one issue, five comments', async () => {
    const fp = uniqueName('fp');
    const events = await Promise.all(Array.from({ length: 6 }, () => hub.publish(request('open', fp))));
    for (const event of events) await settled(event.id);
    expect(issuesOf(fp)).toHaveLength(1);
    expect(issuesOf(fp)[0]!.comments).toHaveLength(5);
  });

  it('does nothing for a redelivered event (same id)', async () => {
    const fp = uniqueName('fp');
    const event = await hub.publish(request('open', fp));
    await settled(event.id);
    await hub.publish(request('open', fp), event.id);
    await waitFor('second delivery', () => decisions(hub.queue, event.id).length === 2);
    expect(issuesOf(fp)).toHaveLength(1);
    expect(issuesOf(fp)[0]!.comments).toHaveLength(0);
  });
});

describe('ticketing: JQL search lags behind writes', () => {
  let hub: TicketingHarness;
  let jira: FakeJiraCloud;

  beforeAll(async () => {
    // The harness's claim settle time (1 s) exceeds the search lag, as TICKETING_CLAIM_SETTLE_MS must.
    hub = await startTicketing({ vendor: 'jira-cloud', jira: { searchLagMs: 700 } });
    jira = hub.jira as FakeJiraCloud;
  });

  afterAll(async () => {
    await hub?.close();
  });

  const issuesOf = (fp: string) => jira.withLabel(fingerprintMarker(fp));

  it('comments on a repeat right after the create: the local map knows the issue before the search does', async () => {
    const fp = uniqueName('fp');
    await hub.publish(request('open', fp));
    await waitFor('issue', () => issuesOf(fp).length === 1);
    await hub.publish(request('open', fp));
    await waitFor('comment', () => issuesOf(fp)[0]!.comments.length === 1);
    expect(issuesOf(fp)).toHaveLength(1);
  });

  it('waits for the search to show an issue whose create answer was lost, then adopts it', async () => {
    const fp = uniqueName('fp');
    jira.dropNextCreate();
    const event = await hub.publish(request('open', fp));
    await waitFor('acked', () => decisions(hub.queue, event.id).includes('ack'), { timeoutMs: 20_000 });
    expect(decisions(hub.queue, event.id).filter((d) => d === 'retry').length).toBeGreaterThanOrEqual(2);
    expect(issuesOf(fp)).toHaveLength(1);
    expect((await hub.rows(fp))[0]).toMatchObject({ status: 'open', display_key: issuesOf(fp)[0]!.key });
  });
});
