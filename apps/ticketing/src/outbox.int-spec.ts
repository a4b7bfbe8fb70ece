import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recordSpans, uniqueName, waitFor } from '@hub/testing';
import { request, startTicketing, type TicketingHarness } from './__tests__/ticketing.harness.js';

recordSpans('ticketing-outbox-test');

interface OutboxLine {
  operation: string;
  traceId?: string;
  request: {
    key: string;
    route?: { team: string; jira?: { project: string } };
    ticket?: { summary: string; fingerprint: string };
    note?: { heading: string };
  };
}

describe('ticketing: the outbox when no JIRA or ServiceNow is configured', () => {
  let hub: TicketingHarness;

  beforeAll(async () => {
    hub = await startTicketing({ vendor: 'outbox' });
  });

  afterAll(async () => {
    await hub?.close();
  });

  const lines = async (): Promise<OutboxLine[]> => {
    const text = await readFile(join(hub.dataDir, 'outbox', 'jira.jsonl'), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as OutboxLine);
  };

  it('writes the whole lifecycle of one ticket: create → comment → resolve → reopen, all with its key', async () => {
    const fp = uniqueName('fp');
    const steps = [
      request('open', fp, { team: 'security' }),
      request('open', fp, { team: 'security', reason: 'again' }),
      request('resolve', fp),
      request('open', fp, { team: 'security' }),
    ];
    for (const [index, step] of steps.entries()) {
      await hub.publish(step);
      await waitFor(`outbox line ${index + 1}`, async () => (await lines()).length === index + 1);
    }
    const written = await lines();
    expect(written.map((l) => l.operation)).toEqual([
      'ticket.create',
      'ticket.comment',
      'ticket.resolve',
      'ticket.reopen',
    ]);
    const key = written[0]!.request.key;
    expect(written.every((l) => l.request.key === key)).toBe(true);
    expect(written[0]!.request.route).toMatchObject({ team: 'security', jira: { project: 'SEC' } });
    expect(written[0]!.request.ticket).toMatchObject({ fingerprint: fp });
    expect(written[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(written[1]!.request.note?.heading).toBe('Fired again (firing)');
    await waitFor('the map row open again', async () => (await hub.rows(fp))[0]?.status === 'open');
    expect(await hub.rows(fp)).toEqual([{ status: 'open', display_key: key, resolution: null }]);
  });
});
