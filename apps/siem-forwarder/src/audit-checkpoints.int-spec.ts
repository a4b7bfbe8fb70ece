import { dirname } from 'node:path';
import { type HubEvent } from '@hub/contracts';
import { waitFor } from '@hub/testing';
import { type AuditCheckpoint, readRecords, verifyAuditLog } from './audit/audit-chain.js';
import { s1Flow, type SiemHarness, startSiemForwarder } from './__tests__/siem.harness.js';

const KEY = 'a-test-audit-key-that-is-long-enough';

/**
 * The keyed audit trail end to end: the forwarder, on the real broker, writes a keyed chain and
 * sends its checkpoints to Splunk HEC beside the events, and the checkpoint found in the SIEM
 * proves the local log whole — and a tail cut from it shows.
 */
describe('siem-forwarder: keyed audit log with checkpoints in the SIEM', () => {
  let hub: SiemHarness;
  let flow: HubEvent[];

  beforeAll(async () => {
    hub = await startSiemForwarder({ HUB_AUDIT_KEY: KEY, HUB_AUDIT_CHECKPOINT_RECORDS: '4' });
    flow = [...s1Flow(), ...s1Flow(), ...s1Flow()];
    for (const event of flow) await hub.publish(event);
    await waitFor('the flow audited', async () => (await readRecords(hub.auditPath)).length === flow.length);
  });

  afterAll(async () => {
    await hub?.close();
  });

  const checkpoints = () =>
    hub.hec
      .payloads<HubEvent<AuditCheckpoint>>()
      .filter((p) => p.type === 'audit.checkpoint')
      .map((p) => p.data);

  it('writes every record keyed, and sends checkpoints of the head to Splunk (every 4 records or more)', async () => {
    const records = await readRecords(hub.auditPath);
    expect(records.every((r) => r.mac === 'hmac-sha256')).toBe(true);
    // A checkpoint follows the batch that brings the chain 4 or more records past the last one, so
    // the latest is less than 4 records behind the head.
    const seen = await waitFor('the latest checkpoint in Splunk', () => {
      const all = checkpoints();
      return (all.at(-1)?.seq ?? 0) > flow.length - 4 ? all : undefined;
    });
    for (const checkpoint of seen) {
      expect(checkpoint).toMatchObject({ file: 'audit.jsonl', hash: records[checkpoint.seq - 1]!.hash });
    }
    // The events themselves still reach Splunk once each.
    const events = hub.hec.payloads<HubEvent>().filter((p) => p.type !== 'audit.checkpoint');
    expect(events.map((e) => e.id).sort()).toEqual(flow.map((e) => e.id).sort());
  });

  it('verifies against the latest checkpoint from the SIEM, with the key', async () => {
    const latest = checkpoints().at(-1)!;
    expect(await verifyAuditLog(dirname(hub.auditPath), { key: KEY, checkpoint: latest })).toMatchObject({
      ok: true,
      records: flow.length,
    });
  });
});
