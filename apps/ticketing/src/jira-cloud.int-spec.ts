import { SpanKind, trace } from '@opentelemetry/api';
import { HubHeaders, topologyNames } from '@hub/messaging';
import {
  amqpUrl,
  type FakeJiraCloud,
  type FakeJiraIssue,
  parentSpanId,
  QueueReader,
  recordSpans,
  uniqueName,
  waitFor,
} from '@hub/testing';
import { request, startTicketing, type TicketingHarness } from './__tests__/ticketing.harness.js';
import { fingerprintMarker } from './tickets/ticket-content.js';

const spans = recordSpans('ticketing-test');
const GRAFANA_URL = 'http://grafana.example:3000';

describe('ticketing: JIRA Cloud (REST v3 through jira.js)', () => {
  let hub: TicketingHarness;
  let jira: FakeJiraCloud;
  let reader: QueueReader;

  beforeAll(async () => {
    hub = await startTicketing({ vendor: 'jira-cloud', env: { GRAFANA_URL } });
    jira = hub.jira as FakeJiraCloud;
    reader = await QueueReader.open(amqpUrl());
  });

  afterAll(async () => {
    await reader?.close();
    await hub?.close();
  });

  const issuesOf = (fp: string) => jira.withLabel(fingerprintMarker(fp));
  const oneIssue = async (fp: string): Promise<FakeJiraIssue> => {
    const [issue] = await waitFor(`the issue of ${fp}`, () => (issuesOf(fp).length === 1 ? issuesOf(fp) : undefined));
    return issue!;
  };
  const texts = (value: unknown) => JSON.stringify(value);

  it('creates → comments on a repeat → transitions to Done → reopens a refire within the window', async () => {
    const fp = uniqueName('fp');
    await hub.publish(request('open', fp, { team: 'security' }));
    const issue = await oneIssue(fp);
    expect(issue).toMatchObject({
      project: 'SEC',
      issueType: 'Bug',
      components: ['runtime-security'],
      status: 'To Do',
    });
    expect(issue.summary).toBe('Privileged pod payments/api-7d9 violates disallow-privileged');
    expect(issue.labels).toEqual(['hub', 'policy', 'kyverno', fingerprintMarker(fp)]);
    const description = texts(issue.description);
    expect(description).toContain('Kyverno reported a privileged container');
    expect(description).toContain('"href":"https://runbooks.example/policy/privileged"');
    expect(description).toContain('"text":"Timeline"');
    expect(description).toContain('privileged: true');

    await hub.publish(
      request('open', fp, { team: 'security', state: 'escalated', reason: 'still privileged after 10 min' }),
    );
    await waitFor('the repeat comment', () => issue.comments.length === 1);
    expect(texts(issue.comments[0]!.body)).toContain('still privileged after 10 min');
    expect(issuesOf(fp)).toHaveLength(1);

    await hub.publish(request('resolve', fp, { reason: 'pod deleted' }));
    await waitFor('the done transition', () => issue.status === 'Done');
    expect(issue.resolution).toBe('Done');
    expect(texts(issue.comments.at(-1)!.body)).toContain('pod deleted');
    await waitFor('the map row resolved', async () => (await hub.rows(fp))[0]?.status === 'resolved');

    await hub.publish(request('open', fp, { team: 'security' }));
    await waitFor('the reopen', () => issue.status === 'To Do');
    await waitFor('the map row open again', async () => (await hub.rows(fp))[0]?.status === 'open');
    expect(issue.transitions).toEqual(['Done', 'Reopen']);
    expect(issuesOf(fp)).toHaveLength(1);
    expect(await hub.rows(fp)).toEqual([{ status: 'open', display_key: issue.key, resolution: null }]);
  });

  it('creates a new ticket when it fires again after the reopen window', async () => {
    const fp = uniqueName('fp');
    await hub.publish(request('open', fp));
    const first = await oneIssue(fp);
    await hub.publish(request('resolve', fp));
    await waitFor('resolved', async () => (await hub.rows(fp))[0]?.status === 'resolved');
    // Two days pass (the default window is 24 h).
    await hub.schema.pool.query(`UPDATE tickets SET resolved_at = now() - interval '2 days' WHERE fingerprint = $1`, [
      fp,
    ]);

    await hub.publish(request('open', fp));
    await waitFor(
      'a second issue, mapped',
      async () => (await hub.rows(fp)).map((r) => r.status).join() === 'resolved,open',
    );
    expect(issuesOf(fp)).toHaveLength(2);
    expect(first.status).toBe('Done');
    expect(first.transitions).toEqual(['Done']);
    const rows = await hub.rows(fp);
    expect(rows.map((r) => r.status)).toEqual(['resolved', 'open']);
    expect(rows[1]!.display_key).toBe(issuesOf(fp)[1]!.key);
  });

  it("never reopens a ticket a person closed as Won't Do: it comments instead", async () => {
    const fp = uniqueName('fp');
    await hub.publish(request('open', fp));
    const issue = await oneIssue(fp);
    jira.closeAs(issue.key, "Won't Do");

    await hub.publish(request('resolve', fp));
    await waitFor('recorded as won’t fix', async () => (await hub.rows(fp))[0]?.status === 'wontfix');
    expect(issue.transitions).toEqual(["(person) Won't Do"]);

    await hub.publish(request('open', fp));
    await waitFor('the note on the closed issue', () => issue.comments.length === 1);
    expect(texts(issue.comments[0]!.body)).toContain("not reopened (closed as Won't Do)");
    expect(issue.status).toBe('Done');
    expect(issuesOf(fp)).toHaveLength(1);
    expect((await hub.rows(fp)).map((r) => r.resolution)).toEqual(["Won't Do"]);
  });

  it('creates a new ticket when a person deleted the open one', async () => {
    const fp = uniqueName('fp');
    await hub.publish(request('open', fp));
    const deleted = await oneIssue(fp);
    await waitFor('mapped', async () => (await hub.rows(fp))[0]?.status === 'open');
    jira.deleteIssue(deleted.key);
    await hub.publish(request('open', fp));
    await waitFor(
      'a new issue, mapped',
      async () => (await hub.rows(fp)).map((r) => r.status).join() === 'abandoned,open',
    );
    expect(issuesOf(fp)).toHaveLength(1);
    expect(issuesOf(fp)[0]!.key).not.toBe(deleted.key);
  });

  it('routes by team: payments → PAY, an unknown team and no team → the default team (PLAT)', async () => {
    const [pay, unknown, none] = [uniqueName('fp'), uniqueName('fp'), uniqueName('fp')];
    await hub.publish(request('open', pay, { team: 'payments' }));
    await hub.publish(request('open', unknown, { team: 'no-such-team' }));
    await hub.publish(request('open', none));
    expect((await oneIssue(pay)).project).toBe('PAY');
    expect((await oneIssue(unknown)).project).toBe('PLAT');
    expect((await oneIssue(none)).project).toBe('PLAT');
    expect((await oneIssue(pay)).issueType).toBe('Task');
  });

  it('makes no issue for a resolve of a fingerprint that never had a ticket, and remembers it resolved', async () => {
    const fp = uniqueName('fp');
    const event = await hub.publish(request('resolve', fp));
    await waitFor('handled', () => processSpans(event.id).some((s) => s.attributes['hub.ack.decision'] === 'ack'));
    expect(issuesOf(fp)).toHaveLength(0);
    expect(await hub.rows(fp)).toEqual([{ status: 'preresolved', display_key: null, resolution: null }]);
  });

  it("parks a request JIRA refuses (400) with JIRA's message, and frees the fingerprint", async () => {
    const fp = uniqueName('fp');
    jira.archiveProject('PAY');
    const event = await hub.publish(request('open', fp, { team: 'payments' }));
    const [message] = await waitFor('parked request', async () => {
      const all = await reader.drain(topologyNames.deadLetterQueue(hub.queue));
      return all.length > 0 ? all : undefined;
    });
    expect(message?.properties.messageId).toBe(event.id);
    const reason = String(message?.properties.headers?.[HubHeaders.deadLetterReason]);
    expect(reason).toContain('jira create issue refused (HTTP 400)');
    expect(reason).toContain('project: valid project is required');
    expect(await hub.rows(fp)).toEqual([]);
  });

  it('puts the trace id and the Grafana link in the ticket, and calls JIRA inside the consume span', async () => {
    const fp = uniqueName('fp');
    const traceId = await trace.getTracer('test').startActiveSpan('test', async (span) => {
      await hub.publish(request('open', fp));
      span.end();
      return span.spanContext().traceId;
    });
    const issue = await oneIssue(fp);
    const description = texts(issue.description);
    expect(description).toContain(`"text":"${traceId}"`);
    expect(description).toContain(`"href":"${GRAFANA_URL}/explore?`);

    const calls = await waitFor('the JIRA client span', () => {
      const found = spans
        .trace(traceId)
        .filter((s) => s.kind === SpanKind.CLIENT && String(s.attributes['url.full']).startsWith(jira.url));
      return found.length > 0 ? found : undefined;
    });
    const consume = await waitFor('the consume span', () =>
      spans.trace(traceId).find((s) => s.name === `process ${hub.queue}`),
    );
    const byId = new Map(spans.trace(traceId).map((s) => [s.spanContext().spanId, s]));
    for (const call of calls) {
      let parent = parentSpanId(call);
      while (parent && parent !== consume.spanContext().spanId)
        parent = byId.get(parent) && parentSpanId(byId.get(parent)!);
      expect(parent).toBe(consume.spanContext().spanId);
    }
    expect(calls.some((c) => String(c.attributes['url.full']).includes('/rest/api/3/issue'))).toBe(true);
  });

  it('counts requests by operation and outcome on /metrics', async () => {
    const response = await hub.apps[0]!.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    for (const [operation, outcome] of [
      ['open', 'created'],
      ['open', 'commented'],
      ['open', 'reopened'],
      ['open', 'suppressed'],
      ['resolve', 'resolved'],
      ['resolve', 'ignored'],
      ['open', 'rejected'],
    ]) {
      expect(response.body).toMatch(
        new RegExp(`hub_tickets_total\\{operation="${operation}",outcome="${outcome}"\\} [1-9]`),
      );
    }
  });

  function processSpans(eventId: string) {
    return spans
      .spans()
      .filter((s) => s.name === `process ${hub.queue}` && s.attributes['messaging.message.id'] === eventId);
  }
});
