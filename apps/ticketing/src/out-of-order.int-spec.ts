import { type FakeJiraCloud, recordSpans, uniqueName, waitFor } from '@hub/testing';
import { request, startTicketing, type TicketingHarness } from './__tests__/ticketing.harness.js';
import { fingerprintMarker } from './tickets/ticket-content.js';

const spans = recordSpans('ticketing-order-test');

describe('ticketing: a resolve handled before its open (issue 11 item 8)', () => {
  let hub: TicketingHarness;
  let jira: FakeJiraCloud;

  beforeAll(async () => {
    hub = await startTicketing({ vendor: 'jira-cloud' });
    jira = hub.jira as FakeJiraCloud;
  });

  afterAll(async () => {
    await hub?.close();
  });

  const issuesOf = (fp: string) => jira.withLabel(fingerprintMarker(fp));
  const acked = (eventId: string) =>
    waitFor('acked', () =>
      spans
        .spans()
        .some(
          (s) =>
            s.name === `process ${hub.queue}` &&
            s.attributes['messaging.message.id'] === eventId &&
            s.attributes['hub.ack.decision'] === 'ack',
        ),
    );

  it('creates no ticket for an open that comes after its resolve: nothing is left open at JIRA', async () => {
    const fp = uniqueName('fp');
    await acked((await hub.publish(request('resolve', fp, { incidentId: `${fp}-1` }))).id);
    await acked((await hub.publish(request('open', fp, { incidentId: `${fp}-1` }))).id);
    expect(issuesOf(fp)).toHaveLength(0);
    expect((await hub.rows(fp)).map((r) => r.status)).toEqual(['preresolved']);
    // A later incident of the same fingerprint gets its ticket as usual.
    await acked((await hub.publish(request('open', fp, { incidentId: `${fp}-2` }))).id);
    expect(issuesOf(fp)).toHaveLength(1);
    expect((await hub.rows(fp)).map((r) => r.status)).toEqual(['preresolved', 'open']);
  });

  it('leaves no preresolved row for a repeat resolve of an incident whose ticket it closed', async () => {
    const fp = uniqueName('fp');
    await acked((await hub.publish(request('open', fp))).id);
    await acked((await hub.publish(request('resolve', fp))).id);
    await acked((await hub.publish(request('resolve', fp))).id);
    expect((await hub.rows(fp)).map((r) => r.status)).toEqual(['resolved']);
  });
});
