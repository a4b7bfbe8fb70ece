import { HubHeaders, topologyNames } from '@hub/messaging';
import { amqpUrl, type FakeServiceNow, QueueReader, uniqueName, waitFor } from '@hub/testing';
import { request, startTicketing, type TicketingHarness } from './__tests__/ticketing.harness.js';
import { fingerprintMarker } from './tickets/ticket-content.js';

describe('ticketing: ServiceNow (Table API)', () => {
  let hub: TicketingHarness;
  let sn: FakeServiceNow;

  beforeAll(async () => {
    hub = await startTicketing({ vendor: 'servicenow' });
    sn = hub.servicenow!;
  });

  afterAll(async () => {
    await hub?.close();
  });

  const incidentsOf = (fp: string) => sn.correlated(fingerprintMarker(fp));

  it('creates an incident for the team’s group, adds work notes on repeats, resolves (state 6), reopens', async () => {
    const fp = uniqueName('fp');
    await hub.publish(request('open', fp, { team: 'security' }));
    const [incident] = await waitFor('incident', () => (incidentsOf(fp).length === 1 ? incidentsOf(fp) : undefined));
    expect(incident!.fields).toMatchObject({
      short_description: 'Privileged pod payments/api-7d9 violates disallow-privileged',
      assignment_group: 'Security Operations',
      urgency: '1',
      state: '1',
    });
    expect(incident!.fields.description).toContain('Runbook: https://runbooks.example/policy/privileged');

    await hub.publish(request('open', fp, { reason: 'still privileged' }));
    await waitFor('work note', () => incident!.workNotes.length === 1);
    expect(incident!.workNotes[0]).toContain('still privileged');

    await hub.publish(request('resolve', fp, { reason: 'pod deleted' }));
    await waitFor('resolved', () => incident!.fields.state === '6');
    expect(incident!.fields).toMatchObject({ close_code: 'Solved (Permanently)' });
    expect(incident!.fields.close_notes).toContain('pod deleted');

    await hub.publish(request('open', fp));
    await waitFor('reopened', () => incident!.fields.state === '2');
    await waitFor('the map row open again', async () => (await hub.rows(fp))[0]?.status === 'open');
    expect(incidentsOf(fp)).toHaveLength(1);
    expect((await hub.rows(fp)).map((r) => [r.status, r.display_key])).toEqual([['open', incident!.number]]);
  });

  it('never reopens an incident closed with a won’t-fix close code', async () => {
    const fp = uniqueName('fp');
    await hub.publish(request('open', fp));
    const [incident] = await waitFor('incident', () => (incidentsOf(fp).length === 1 ? incidentsOf(fp) : undefined));
    sn.closeAs(incident!.sys_id, 'Not Solved (Too Costly)');
    await hub.publish(request('resolve', fp));
    await waitFor('won’t fix', async () => (await hub.rows(fp))[0]?.status === 'wontfix');
    await hub.publish(request('open', fp));
    await waitFor('note', () => incident!.workNotes.length === 1);
    expect(incident!.workNotes[0]).toContain('not reopened');
    expect(incident!.fields.state).toBe('6');
    expect(incidentsOf(fp)).toHaveLength(1);
  });

  it('retries a 429 with Retry-After and parks a refused request with ServiceNow’s message', async () => {
    const fp = uniqueName('fp');
    sn.rateLimitNext(1, 1);
    await hub.publish(request('open', fp));
    await waitFor('incident after the 429', () => incidentsOf(fp).length === 1);

    const reader = await QueueReader.open(amqpUrl());
    try {
      const bad = uniqueName('fp');
      const event = await hub.publish(request('open', bad, { summary: ' ' }));
      const [message] = await waitFor('parked', async () => {
        const all = await reader.drain(topologyNames.deadLetterQueue(hub.queue));
        return all.length > 0 ? all : undefined;
      });
      expect(message?.properties.messageId).toBe(event.id);
      expect(String(message?.properties.headers?.[HubHeaders.deadLetterReason])).toContain(
        'servicenow create incident refused (HTTP 400): Invalid request: short_description is mandatory',
      );
    } finally {
      await reader.close();
    }
  });
});
