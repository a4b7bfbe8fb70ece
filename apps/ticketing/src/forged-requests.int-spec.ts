import { HubHeaders } from '@hub/messaging';
import { amqpUrl, type FakeJiraCloud, QueueReader, uniqueName, waitFor } from '@hub/testing';
import { request, startTicketing, type TicketingHarness } from './__tests__/ticketing.harness.js';
import { fingerprintMarker } from './tickets/ticket-content.js';

describe('ticketing: forged ticket requests', () => {
  let hub: TicketingHarness;
  let jira: FakeJiraCloud;
  let reader: QueueReader;

  beforeAll(async () => {
    hub = await startTicketing({ vendor: 'jira-cloud' });
    jira = hub.jira as FakeJiraCloud;
    reader = await QueueReader.open(amqpUrl());
  });

  afterAll(async () => {
    await reader?.close();
    await hub?.close();
  });

  const issuesOf = (fp: string) => jira.withLabel(fingerprintMarker(fp));

  it('parks a ticket.requested not from the sensor with the reason, and opens no ticket', async () => {
    const forged = uniqueName('forged');
    const event = await hub.publish(request('open', forged), undefined, 'notifier');
    const parked = await reader.parked(hub.queue, event.id);
    expect(String(parked.properties.headers?.[HubHeaders.deadLetterReason])).toContain(
      '"ticket.requested" from hubsource "notifier": only "sensor" may issue it',
    );
    const real = uniqueName('real');
    await hub.publish(request('open', real));
    await waitFor("the sensor's ticket", () => issuesOf(real).length === 1);
    expect(issuesOf(forged)).toEqual([]);
  });
});
