import { type FakeJiraServer, uniqueName, waitFor } from '@hub/testing';
import { request, startTicketing, type TicketingHarness } from './__tests__/ticketing.harness.js';
import { fingerprintMarker } from './tickets/ticket-content.js';

describe('ticketing: JIRA Data Center / Server (REST v2, personal access token)', () => {
  let hub: TicketingHarness;
  let jira: FakeJiraServer;

  beforeAll(async () => {
    hub = await startTicketing({ vendor: 'jira-server', env: { JIRA_RESOLUTION: 'Done' } });
    jira = hub.jira as FakeJiraServer;
  });

  afterAll(async () => {
    await hub?.close();
  });

  const issuesOf = (fp: string) => jira.withLabel(fingerprintMarker(fp));

  it('runs the lifecycle with wiki-markup text and a Bearer token: create, comment, resolve, reopen', async () => {
    const fp = uniqueName('fp');
    await hub.publish(request('open', fp, { team: 'security' }));
    const [issue] = await waitFor('issue', () => (issuesOf(fp).length === 1 ? issuesOf(fp) : undefined));
    expect(issue).toMatchObject({ project: 'SEC', issueType: 'Bug', components: ['runtime-security'] });
    expect(typeof issue!.description).toBe('string');
    expect(issue!.description).toContain('h3. Details');
    expect(issue!.description).toContain('[Runbook|https://runbooks.example/policy/privileged]');
    const auth = jira.requests.map((r) => r.headers.authorization);
    expect(new Set(auth)).toEqual(new Set([`Bearer ${jira.pat}`]));

    await hub.publish(request('open', fp, { reason: 'seen again' }));
    await waitFor('comment', () => issue!.comments.length === 1);
    expect(issue!.comments[0]!.body).toBe('*Fired again (firing)*\nseen again');

    await hub.publish(request('resolve', fp, { reason: 'pod deleted' }));
    await waitFor('done', () => issue!.status === 'Done');
    expect(issue!.resolution).toBe('Done');
    expect(jira.find('GET', /^\/rest\/api\/2\/search$/)).toHaveLength(0); // the map decided, no search was needed

    await hub.publish(request('open', fp));
    await waitFor('reopened', () => issue!.status === 'To Do');
    expect(issuesOf(fp)).toHaveLength(1);
  });

  it('adopts an issue whose create answer was lost, found through the v2 search', async () => {
    const fp = uniqueName('fp');
    jira.dropNextCreate();
    await hub.publish(request('open', fp));
    await waitFor('the map row open', async () => (await hub.rows(fp))[0]?.status === 'open', { timeoutMs: 20_000 });
    expect(issuesOf(fp)).toHaveLength(1);
    expect((await hub.rows(fp))[0]!.display_key).toBe(issuesOf(fp)[0]!.key);
    const searches = jira.find('GET', /^\/rest\/api\/2\/search$/);
    expect(searches.map((r) => r.query.get('jql'))).toContain(
      `labels = "${fingerprintMarker(fp)}" ORDER BY created DESC`,
    );
  });
});
