import { readFile } from 'node:fs/promises';
import { type HubEvent } from '@hub/contracts';
import { parseCef, waitFor } from '@hub/testing';
import { readRecords, verifyAuditLog } from './audit/audit-chain.js';
import { HEC_TOKEN, s1Flow, SECRET, type SiemHarness, startSiemForwarder } from './__tests__/siem.harness.js';

describe('siem-forwarder: every event of an S1 flow to Splunk HEC, TLS syslog and the audit log', () => {
  let hub: SiemHarness;
  let flow: HubEvent[];

  beforeAll(async () => {
    hub = await startSiemForwarder();
    flow = s1Flow();
    for (const event of flow) await hub.publish(event);
    await waitFor('all three sinks took the flow', async () => {
      const audited = await readRecords(hub.auditPath);
      return (
        hub.hec.events.length >= flow.length &&
        hub.syslog.messages.length >= flow.length &&
        audited.length >= flow.length
      );
    });
  });

  afterAll(async () => {
    await hub?.close();
  });

  const ids = () => flow.map((event) => event.id);

  it("indexes each event in Splunk, gzip'd, with the token, a request channel and indexer acknowledgement", async () => {
    const payloads = hub.hec.payloads<HubEvent & { traceId?: string }>();
    expect(payloads.map((p) => p.id)).toEqual(ids());
    expect(payloads.map((p) => p.type)).toEqual(flow.map((e) => e.type));
    expect(hub.hec.events[0]).toMatchObject({ index: 'hub_audit', sourcetype: 'hub:event', source: '/alertmanager' });
    const posts = hub.hec.find('POST', /\/services\/collector\/event$/);
    for (const post of posts) {
      expect(post.headers).toMatchObject({
        authorization: `Splunk ${HEC_TOKEN}`,
        'content-encoding': 'gzip',
        'x-splunk-request-channel': expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(post.raw.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    }
    // The forwarder polls the ack endpoint after each POST (the batch counts only once indexed).
    const acks = await waitFor('an ack poll per batch', () => {
      const polls = hub.hec.find('POST', /\/services\/collector\/ack$/);
      return polls.length >= posts.length ? polls : undefined;
    });
    expect(acks[0]?.query.get('channel')).toBe(posts[0]?.headers['x-splunk-request-channel']);
  });

  it('sends each event to syslog as an octet-counted RFC 5424 message with a CEF payload', () => {
    expect(hub.syslog.malformed).toEqual([]);
    const messages = hub.syslog.messages;
    expect(messages.map((m) => m.params.eventId)).toEqual(ids());
    const [firing, sync, succeeded, notification] = messages;
    expect(firing).toMatchObject({ version: 1, appName: 'hub', msgId: 'alert.firing', pri: 13 * 8 + 2 });
    expect(Date.parse(firing!.timestamp)).toBe(Date.parse(flow[0]!.time));

    const cef = parseCef(firing!.msg);
    expect(cef).toMatchObject({
      version: '0',
      vendor: 'Hub',
      product: 'hub',
      signatureId: 'alert.firing',
      name: `alert.firing ${flow[0]!.subject}`,
      severity: '9',
    });
    expect(cef?.extensions).toMatchObject({
      externalId: flow[0]!.id,
      cat: 'alert',
      suser: 'alertmanager',
      cs1Label: 'source',
      cs1: '/alertmanager',
      rt: String(Date.parse(flow[0]!.time)),
    });
    // `|` in the data, `=` `\` and a line break in the text survive the escaping unchanged.
    expect(JSON.parse(cef!.extensions.msg!)).toEqual(flow[0]!.data);
    expect(parseCef(sync!.msg)?.extensions).toMatchObject({ act: 'argocd.sync', cs4: flow[1]!.incidentkey });
    expect(parseCef(succeeded!.msg)?.extensions).toMatchObject({ outcome: 'success' });
    const text = JSON.parse(parseCef(notification!.msg)!.extensions.msg!) as { text: string };
    expect(text.text).toBe('line one\nline two = done\\ok');
  });

  it('records each event once in a hash chain that `hub audit verify` accepts', async () => {
    const records = await readRecords(hub.auditPath);
    expect(records.map((r) => r.eventId)).toEqual(ids());
    expect(await verifyAuditLog(hub.auditPath)).toMatchObject({ ok: true, records: flow.length });
  });

  it('keeps secrets out of every sink', async () => {
    const audit = await readFile(hub.auditPath, 'utf8');
    const hec = JSON.stringify(hub.hec.events);
    const syslog = hub.syslog.messages.map((m) => m.raw).join('\n');
    for (const [sink, text] of Object.entries({ audit, hec, syslog })) {
      expect({ sink, leaked: text.includes(SECRET) }).toEqual({ sink, leaked: false });
      expect({ sink, redacted: text.includes('[REDACTED]') }).toEqual({ sink, redacted: true });
    }
    const sync = hub.hec.payloads<{ data: { params: { headers: Record<string, string> } } }>()[1];
    expect(sync?.data.params.headers).toEqual({ Authorization: '[REDACTED]' });
  });
});
