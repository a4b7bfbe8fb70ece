import { readFile } from 'node:fs/promises';
import { SpanKind } from '@opentelemetry/api';
import { type FakeJiraIssue, parentSpanId, recordSpans, waitFor } from '@hub/testing';

const spans = recordSpans('tickets-e2e');
const { alertWebhook, startHub } = await import('./__tests__/hub.harness.js');
type Hub = Awaited<ReturnType<typeof startHub>>;

/** The S4 example events, as `hub sensors test policy-violation` replays them. */
const examples = (await readFile(new URL('../examples/events/policy-violation.jsonl', import.meta.url), 'utf8'))
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as { id: string; type: string; data: Record<string, string> });

/** A copy of example `index` with a fresh id (each test run posts its own events). */
function example(index: number, overrides: { time?: string; resource?: string } = {}) {
  const event = structuredClone(examples[index]!);
  event.id = crypto.randomUUID();
  if (overrides.resource) {
    event.data.resource = overrides.resource;
    (event as { subject?: string }).subject = overrides.resource;
  }
  (event as { time?: string }).time = overrides.time ?? new Date().toISOString();
  return event;
}

const text = (issue: FakeJiraIssue) => JSON.stringify(issue.description);

describe('tickets end to end: gateway → sensor → ticketing → JIRA Cloud (fake, through jira.js)', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  });

  it('S1: an escalated incident opens one ticket in the owner team’s project; its resolution closes it', async () => {
    hub.argocd.addApplication('ledger-api', { destNamespace: 'ledger' });
    hub.argocd.scriptSyncs({ status: 500, body: { error: 'boom', code: 13, message: 'boom' } }, 3);
    const labels = {
      alertname: 'ArgoCDApplicationUnhealthy',
      slo: 'argocd-application-health',
      severity: 'warning',
      name: 'ledger-api',
      dest_namespace: 'ledger',
      team: 'payments',
    };
    expect((await hub.post(alertWebhook('firing', labels))).status).toBe(202);

    const issue = await waitFor('a JIRA issue for ledger-api', () =>
      hub.jira.issues.find((candidate) => candidate.summary.includes('ledger-api')),
    );
    expect(issue.project).toBe('PAY'); // teams.yaml: payments → PAY
    expect(issue.labels.some((label) => label.startsWith('hub-fp-'))).toBe(true);
    expect(text(issue)).toMatch(/escalated/i);
    expect(issue.status).not.toBe('Done');

    expect((await hub.post(alertWebhook('resolved', labels))).status).toBe(202);
    await waitFor('the ticket transitioned to Done', () => hub.jira.issue(issue.key)?.status === 'Done');
    expect(hub.jira.issues.filter((candidate) => candidate.summary.includes('ledger-api'))).toHaveLength(1);
  });

  it('S4: a privileged pod opens one SEC ticket with the trace id; a repeat never opens a second; the fix closes it', async () => {
    spans.reset();
    const resource = `pod/payments/api-${crypto.randomUUID().slice(0, 8)}`;
    const first = await hub.request('/v1/events', example(0, { resource }), 'application/cloudevents+json');
    expect(first.status).toBe(202);

    const issue = await waitFor('a SEC issue', () =>
      hub.jira.issues.find((candidate) => candidate.project === 'SEC' && candidate.summary.includes(resource)),
    );
    expect(issue.components).toEqual(['runtime-security']);
    const server = spans.spans().find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /v1/events');
    const traceId = server!.spanContext().traceId;
    expect(text(issue)).toContain(traceId);
    // The JIRA call is part of the same trace, below the gateway's HTTP span.
    const jiraCall = await waitFor('the JIRA create span', () =>
      spans
        .trace(traceId)
        .find(
          (s) =>
            s.kind === SpanKind.CLIENT &&
            String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '').includes('/rest/api/3/issue'),
        ),
    );
    // Parents end after their children: wait until the chain up to the gateway's span has ended.
    const reachesServer = () => {
      const byId = new Map(spans.trace(traceId).map((s) => [s.spanContext().spanId, s]));
      let ancestor = byId.get(parentSpanId(jiraCall) ?? '');
      while (ancestor && ancestor !== server) ancestor = byId.get(parentSpanId(ancestor) ?? '');
      return ancestor === server;
    };
    await waitFor('the JIRA call below the gateway span', reachesServer);

    // The same violation reported again while the ticket is open: no second ticket.
    await hub.request('/v1/events', example(2, { resource }), 'application/cloudevents+json');
    // A violation that is not privileged/root is not a ticket at all.
    await hub.request('/v1/events', example(3), 'application/cloudevents+json');
    const resolved = await hub.request('/v1/events', example(4, { resource }), 'application/cloudevents+json');
    expect(resolved.status).toBe(202);
    await waitFor('the SEC ticket transitioned to Done', () => hub.jira.issue(issue.key)?.status === 'Done');
    expect(hub.jira.issues.filter((candidate) => candidate.summary.includes(resource))).toHaveLength(1);
    expect(hub.jira.issues.some((candidate) => candidate.summary.includes('require-labels'))).toBe(false);
    // The incident's timeline on the gateway names the ticket.
    const key = `policy/${resource}/disallow-privileged-containers`;
    const timeline = await hub.request(`/v1/incidents/${encodeURIComponent(key)}`);
    expect(await timeline.json()).toMatchObject({
      incident: { status: 'resolved' },
      ticket: { status: 'found', tickets: [{ provider: 'jira', key: issue.key, team: 'security' }] },
    });

    // Firing again soon after (within the reopen window): the same ticket is reopened, not a new one.
    await hub.request('/v1/events', example(0, { resource }), 'application/cloudevents+json');
    await waitFor('the SEC ticket reopened', () => hub.jira.issue(issue.key)?.status === 'To Do');
    expect(hub.jira.issues.filter((candidate) => candidate.summary.includes(resource))).toHaveLength(1);
  });
});
