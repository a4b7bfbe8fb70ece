import { randomUUID } from 'node:crypto';
import { createEvent } from '@hub/contracts';
import { waitFor } from '@hub/testing';
import { readRecords, verifyAuditLog } from './audit/audit-chain.js';
import { type SiemHarness, startSiemForwarder } from './__tests__/siem.harness.js';

describe('siem-forwarder: the audit log dedups on source + id (CloudEvents)', () => {
  let hub: SiemHarness;

  beforeAll(async () => {
    hub = await startSiemForwarder();
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('records one id from two sources twice, and the same source + id once', async () => {
    const id = randomUUID();
    const backstage = createEvent({ id, type: 'service.registered', source: '/backstage', data: { service: 'a' } });
    const github = createEvent({ id, type: 'service.registered', source: '/github', data: { service: 'b' } });
    await hub.publish(backstage);
    await hub.publish(github);
    await hub.publish(backstage); // a redelivery
    const marker = await hub.publish(createEvent({ type: 'service.registered', source: '/marker', data: {} }));
    await waitFor('the marker in the audit log', async () =>
      (await readRecords(hub.auditPath)).some((r) => r.eventId === marker.id),
    );
    const records = await readRecords(hub.auditPath);
    expect(records.filter((r) => r.eventId === id).map((r) => r.source)).toEqual(['/backstage', '/github']);
    expect(await verifyAuditLog(hub.auditPath)).toMatchObject({ ok: true, records: records.length });
  });
});
