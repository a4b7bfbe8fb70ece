import { setTimeout as sleep } from 'node:timers/promises';
import { type HubEvent } from '@hub/contracts';
import { HubHeaders } from '@hub/messaging';
import { amqpUrl, QueueReader, rabbitmqctl, waitFor } from '@hub/testing';
import { inject } from 'vitest';
import { readRecords, verifyAuditLog } from './audit/audit-chain.js';
import { s1Flow, type SiemHarness, startSiemForwarder } from './__tests__/siem.harness.js';

/** Ready and unacked messages of `queue`, as the broker counts them. */
async function queueCounts(queue: string): Promise<{ ready: number; unacked: number }> {
  const out = await rabbitmqctl(
    'list_queues',
    '-p',
    inject('amqpVhost'),
    '--no-table-headers',
    'name',
    'messages_ready',
    'messages_unacknowledged',
  );
  const row = out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([name]) => name === queue);
  return { ready: Number(row?.[1] ?? NaN), unacked: Number(row?.[2] ?? NaN) };
}

const ids = (events: readonly { id: string }[]) => events.map((event) => event.id);

describe('siem-forwarder when a sink fails', () => {
  let hub: SiemHarness;

  beforeEach(async () => {
    hub = await startSiemForwarder();
  });

  afterEach(async () => {
    await hub?.close();
  });

  it('holds events while the HEC is down for 30 s (back-pressure), then delivers every one in order, once per sink', async () => {
    hub.hec.down();
    const events: HubEvent[] = Array.from({ length: 6 }, () => s1Flow()).flat();
    for (const event of events) await hub.publish(event);

    // Prefetch 20: twenty messages wait unacked in the forwarder, the other ten stay in the queue.
    await waitFor(
      'the prefetch is used up',
      async () => {
        const counts = await queueCounts(hub.queue);
        return counts.unacked === 20 && counts.ready === 10;
      },
      { intervalMs: 500 },
    );
    // The sinks that are up took what the forwarder holds: per-sink progress.
    await waitFor('audit log and syslog took the first twenty', async () => {
      return (await readRecords(hub.auditPath)).length === 20 && hub.syslog.messages.length === 20;
    });
    await sleep(30_000);
    expect(hub.hec.events).toEqual([]);
    expect(hub.hec.find('POST', /\/services\/collector\/event$/).length).toBeGreaterThan(1);
    expect(await queueCounts(hub.queue)).toEqual({ unacked: 20, ready: 10 });

    hub.hec.up();
    await waitFor('the HEC took every event', () => hub.hec.events.length >= events.length, { timeoutMs: 20_000 });
    await waitFor(
      'the queue drained',
      async () => {
        const counts = await queueCounts(hub.queue);
        return counts.unacked === 0 && counts.ready === 0;
      },
      { intervalMs: 500 },
    );

    expect(ids(hub.hec.payloads<HubEvent>())).toEqual(ids(events));
    for (const batch of hub.hec.batches) {
      const batchIds = ids(batch.map((e) => e.event as HubEvent));
      const from = ids(events).indexOf(batchIds[0]!);
      expect(batchIds).toEqual(ids(events).slice(from, from + batchIds.length));
    }
    expect((await readRecords(hub.auditPath)).map((r) => r.eventId)).toEqual(ids(events));
    expect(hub.syslog.messages.map((m) => m.params.eventId)).toEqual(ids(events));
    expect(await verifyAuditLog(hub.auditPath)).toMatchObject({ ok: true, records: events.length });
  }, 90_000);

  it('parks a record the HEC refuses for good, with the reason, and delivers the rest of its batch', async () => {
    hub.hec.rejectWhen((item) => (item.event as HubEvent).subject === 'poison');
    const [first, , third] = s1Flow();
    const poison = { ...first!, id: crypto.randomUUID(), subject: 'poison' };
    const events = [first!, poison, third!];
    for (const event of events) await hub.publish(event);

    const reader = await QueueReader.open(amqpUrl());
    try {
      const parked = await waitFor('the refused record in the parking queue', async () => {
        const messages = await reader.drain(`${hub.queue}.dlq`);
        return messages.length > 0 ? messages : undefined;
      });
      expect(parked).toHaveLength(1);
      expect((JSON.parse(parked[0]!.content.toString()) as HubEvent).id).toBe(poison.id);
      expect(parked[0]!.properties.headers?.[HubHeaders.deadLetterReason]).toContain(
        'splunk-hec rejected the record: Invalid data format (HEC code 6)',
      );
    } finally {
      await reader.close();
    }
    await waitFor('the HEC took the others', () => hub.hec.events.length >= 2);
    expect(ids(hub.hec.payloads<HubEvent>())).toEqual([first!.id, third!.id]);
    // The sinks that took it keep it: the audit trail still shows the refused record.
    expect((await readRecords(hub.auditPath)).map((r) => r.eventId)).toEqual(ids(events));
    expect(hub.syslog.messages.map((m) => m.params.eventId)).toEqual(ids(events));
  });

  it('reconnects to a syslog collector that went away and sends what it missed', async () => {
    await hub.syslog.stop();
    const events = s1Flow();
    for (const event of events) await hub.publish(event);
    await waitFor('audit log and HEC took the flow', async () => {
      return (await readRecords(hub.auditPath)).length === events.length && hub.hec.events.length === events.length;
    });
    expect(hub.syslog.messages).toEqual([]);

    await hub.syslog.start();
    await waitFor('syslog got the flow', () => hub.syslog.messages.length >= events.length, { timeoutMs: 20_000 });
    expect(hub.syslog.messages.map((m) => m.params.eventId)).toEqual(ids(events));
    expect(ids(hub.hec.payloads<HubEvent>())).toEqual(ids(events));
  });
});
