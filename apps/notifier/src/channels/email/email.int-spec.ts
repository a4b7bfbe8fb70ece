import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, trace } from '@opentelemetry/api';
import { HubHeaders, topologyNames } from '@hub/messaging';
import { metricsRegistry } from '@hub/telemetry';
import {
  amqpUrl,
  FakeSmtpServer,
  QueueReader,
  recordSpans,
  selfSignedCertificate,
  uniqueName,
  waitFor,
} from '@hub/testing';
import { ofIncident, startNotifier, type NotifierHarness } from '../../__tests__/notifier.harness.js';

const spans = recordSpans('notifier-email-test');

const TEAMS_YAML = `defaultTeam: payments
teams:
  payments:
    slack: { channel: '#team-payments' }
    email: [payments-team@example.com]
    stakeholders: [payments-lead@example.com, finance@example.com]
  quiet:
    slack: { channel: '#quiet' }
`;

/** Deliveries of the email channel with `outcome`, counted by the notifier's metric. */
async function emailDeliveries(outcome: string): Promise<number> {
  const metric = await metricsRegistry().getSingleMetric('hub_notifications_delivered_total')?.get();
  return metric?.values.find((v) => v.labels.channel === 'email' && v.labels.outcome === outcome)?.value ?? 0;
}

/**
 * The email channel against a loopback SMTP server (STARTTLS with a self-signed certificate the
 * notifier trusts through SMTP_TLS_CA_FILE, AUTH required) driven through nodemailer, with the
 * real broker and database: threads, audiences, redeliveries and an SMTP outage.
 */
describe('email over SMTP', () => {
  let hub: NotifierHarness;
  let smtp: FakeSmtpServer;
  let certDir: string;

  beforeAll(async () => {
    const tls = await selfSignedCertificate();
    certDir = await mkdtemp(join(tmpdir(), 'hub-smtp-ca-'));
    await writeFile(join(certDir, 'ca.pem'), tls.cert);
    smtp = await new FakeSmtpServer({ tls, users: { hub: 's3cret' } }).start();
    hub = await startNotifier({
      teams: TEAMS_YAML,
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.listeningPort),
        SMTP_USER: 'hub',
        SMTP_PASSWORD: 's3cret',
        SMTP_TLS_CA_FILE: join(certDir, 'ca.pem'),
        SMTP_FROM: 'Hub <hub@hub.example.com>',
        SMTP_TIMEOUT_MS: '2000',
        NOTIFIER_RETRY_DELAYS_MS: '200,300,500',
      },
    });
  });

  afterAll(async () => {
    await hub?.close();
    await smtp?.stop();
    await rm(certDir, { recursive: true, force: true });
  });

  const emailReceipts = async (key: string) =>
    (
      await hub.schema.pool.query("SELECT 1 FROM notification_receipts WHERE incident_key = $1 AND channel = 'email'", [
        key,
      ])
    ).rowCount;
  const ofKey = (key: string) => smtp.messages.filter((m) => m.headers['x-hub-incident-key'] === key);

  it("threads an incident's updates in one conversation: the root's Message-ID from the incident id, replies naming it", async () => {
    const key = uniqueName('mail-thread');
    await hub.publish({ incidentKey: key, sequence: 1, state: 'firing', team: 'payments' });
    await waitFor('the root email', () => ofKey(key).length === 1);
    await hub.publish({ incidentKey: key, sequence: 2, state: 'remediating', team: 'payments' });
    await hub.publish({ incidentKey: key, sequence: 3, state: 'resolved', team: 'payments' });
    await waitFor('three emails', () => ofKey(key).length === 3);
    const root = `<hub.incident.inc-${key}@hub.example.com>`;
    expect(ofKey(key).find((m) => m.headers['x-hub-state'] === 'firing')).toMatchObject({
      messageId: root,
      subject: `[Critical] ArgoCD application ${key} is unhealthy`,
      envelope: { from: 'hub@hub.example.com', to: ['payments-team@example.com'] },
      secure: true,
      user: 'hub',
    });
    const replies = ofKey(key).filter((m) => m.headers['x-hub-state'] !== 'firing');
    expect(replies).toHaveLength(2);
    for (const reply of replies) {
      expect(reply.inReplyTo).toBe(root);
      expect(reply.references).toEqual([root]);
      expect(reply.messageId).not.toBe(root);
      expect(reply.subject).toBe(`Re: [Critical] ArgoCD application ${key} is unhealthy`);
    }
    const resolved = ofKey(key).find((m) => m.headers['x-hub-state'] === 'resolved')!;
    expect(resolved.text).toContain(`Resolved: ArgoCD application ${key} is unhealthy`);
    expect(resolved.text).toContain('Argo CD: https://argocd.example/applications/payments-api');
    expect(resolved.html).toContain('<a href="https://argocd.example/applications/payments-api">Argo CD</a>');
    expect(resolved.headers['auto-submitted']).toBe('auto-generated');
    await waitFor('three receipts', async () => (await emailReceipts(key)) === 3);
    const receipts = await hub.schema.pool.query<{ operation: string; conversation: string; target: string }>(
      "SELECT operation, conversation, target FROM notification_receipts WHERE incident_key = $1 AND channel = 'email' ORDER BY sequence",
      [key],
    );
    expect(receipts.rows).toEqual([
      { operation: 'root', conversation: root, target: 'payments-team@example.com' },
      { operation: 'reply', conversation: root, target: 'payments-team@example.com' },
      { operation: 'reply', conversation: root, target: 'payments-team@example.com' },
    ]);
  });

  it("sends inside the handler's trace: an `smtp send` client span, and the trace id in the email", async () => {
    const key = uniqueName('mail-trace');
    const traceId = await trace.getTracer('test').startActiveSpan('test', async (span) => {
      await hub.publish({ incidentKey: key, sequence: 1, state: 'firing', team: 'payments' });
      span.end();
      return span.spanContext().traceId;
    });
    const [email] = await waitFor('the email', () => (ofKey(key).length === 1 ? ofKey(key) : undefined));
    expect(email?.text).toContain(`Trace: ${traceId}`);
    const [send] = await waitFor('the smtp span', () => {
      const found = spans.trace(traceId).filter((s) => s.name === 'smtp send');
      return found.length > 0 ? found : undefined;
    });
    expect(send?.kind).toBe(SpanKind.CLIENT);
    expect(send?.attributes).toMatchObject({ 'server.address': '127.0.0.1', 'server.port': smtp.listeningPort });
  });

  it('sends a redelivered notification nothing new', async () => {
    const key = uniqueName('mail-redelivery');
    const id = randomUUID();
    await hub.publish({ incidentKey: key, sequence: 1, state: 'firing', team: 'payments' }, id);
    await waitFor('the email', () => ofKey(key).length === 1);
    const duplicates = await emailDeliveries('duplicate');
    await hub.publish({ incidentKey: key, sequence: 1, state: 'firing', team: 'payments' }, id);
    await waitFor('the redelivery seen as a duplicate', async () => (await emailDeliveries('duplicate')) > duplicates);
    expect(ofKey(key)).toHaveLength(1);
  });

  it("sends a report to the team's stakeholders, not to its own list; a team without an address list gets no email", async () => {
    const key = uniqueName('mail-report');
    await hub.publish({
      incidentKey: key,
      sequence: 0,
      state: 'firing',
      kind: 'message',
      team: 'payments',
      severity: 'info',
      title: 'Team cost report: payments',
      text: 'Quota report for payments\n• requests.cpu: 3 of 4 (75%)',
      audience: 'stakeholders',
    });
    await hub.publish({ incidentKey: `${key}-quiet`, sequence: 0, state: 'firing', kind: 'message', team: 'quiet' });
    await waitFor('the report', () => ofKey(key).length === 1);
    await waitFor('the quiet team on Slack', () => hub.slack.messagesIn('#quiet').length > 0);
    const [report] = ofKey(key);
    expect(report).toMatchObject({
      subject: '[Info] Team cost report: payments',
      envelope: { to: ['payments-lead@example.com', 'finance@example.com'] },
    });
    expect(report?.text).toContain('requests.cpu: 3 of 4 (75%)');
    expect(ofKey(`${key}-quiet`)).toEqual([]);
  });

  it('retries while the SMTP server is down and sends each email once when it is back', async () => {
    const key = uniqueName('mail-outage');
    await smtp.stop();
    const retries = await emailDeliveries('retry');
    await hub.publish({ incidentKey: key, sequence: 1, state: 'firing', team: 'payments' });
    await waitFor('a retry while SMTP is down', async () => (await emailDeliveries('retry')) > retries);
    await smtp.start();
    await waitFor('the email after the outage', () => ofKey(key).length === 1, { timeoutMs: 15_000 });
    await waitFor('marked sent', async () => (await emailReceipts(key)) === 1);
    expect(ofKey(key)).toHaveLength(1);
    expect(ofIncident(hub.slack.roots('#team-payments'), key)).toHaveLength(1); // Slack, done before the outage, not again
  });

  it('retries a 4xx answer (451 at DATA) and sends the email once', async () => {
    const key = uniqueName('mail-451');
    smtp.respondNext({ at: 'data', code: 451, message: 'try again later' });
    const retries = await emailDeliveries('retry');
    await hub.publish({ incidentKey: key, sequence: 1, state: 'firing', team: 'payments' });
    await waitFor('the email after the 451', () => ofKey(key).length === 1, { timeoutMs: 15_000 });
    expect(await emailDeliveries('retry')).toBeGreaterThan(retries);
    await waitFor('marked sent', async () => (await emailReceipts(key)) === 1);
    expect(ofKey(key)).toHaveLength(1);
  });

  it('parks a notification the server refuses for good (550 for its only recipient) with the reason, and frees its claim', async () => {
    const key = uniqueName('mail-550');
    smtp.respondNext({ at: 'rcpt', code: 550, message: 'mailbox unavailable' });
    const reader = await QueueReader.open(amqpUrl());
    try {
      const event = await hub.publish({ incidentKey: key, sequence: 1, state: 'firing', team: 'payments' });
      const [message] = await waitFor(
        'the parked notification',
        async () => {
          const messages = await reader.drain(topologyNames.deadLetterQueue(hub.queue));
          return messages.length > 0 ? messages : undefined;
        },
        { timeoutMs: 20_000 },
      );
      expect(message?.properties.messageId).toBe(event.id);
      expect(String(message?.properties.headers?.[HubHeaders.deadLetterReason])).toContain('mailbox unavailable');
      expect(ofKey(key)).toEqual([]);
      const claims = await hub.schema.pool.query(
        "SELECT 1 FROM hub_processed_events WHERE event_id = $1 AND consumer LIKE '%email%'",
        [event.id],
      );
      expect(claims.rowCount).toBe(0); // a replay from the parking queue sends it
    } finally {
      await reader.close();
    }
  });
});

describe('email with two notifier replicas', () => {
  let hub: NotifierHarness;
  let smtp: FakeSmtpServer;

  beforeAll(async () => {
    smtp = await new FakeSmtpServer().start();
    hub = await startNotifier({
      teams: TEAMS_YAML,
      replicas: 2,
      // A copy handed over while the other replica sends waits out the claim's lease (2 × 1 s + 5 s):
      // the 8 s tier, then finds the email sent.
      env: { SMTP_URL: smtp.url, SMTP_TLS: 'none', SMTP_TIMEOUT_MS: '1000', NOTIFIER_RETRY_DELAYS_MS: '300,1000,8000' },
    });
  });

  afterAll(async () => {
    await hub?.close();
    await smtp?.stop();
  });

  it('sends one email for an event both replicas are handed at once', async () => {
    const keys = Array.from({ length: 5 }, () => uniqueName('mail-replicas'));
    const duplicates = await emailDeliveries('duplicate');
    for (const key of keys) {
      const id = randomUUID();
      const data = { incidentKey: key, sequence: 1, state: 'firing' as const, team: 'payments' };
      await Promise.all([hub.publish(data, id), hub.publish(data, id)]);
    }
    await waitFor(
      'every second copy seen as a duplicate',
      async () => (await emailDeliveries('duplicate')) >= duplicates + 5,
      {
        timeoutMs: 20_000,
      },
    );
    for (const key of keys) {
      expect(smtp.messages.filter((m) => m.headers['x-hub-incident-key'] === key)).toHaveLength(1);
    }
  });

  it('waits for a claim another replica is committing at that moment, rather than sending too', async () => {
    const key = uniqueName('mail-racing-claim');
    const id = randomUUID();
    const other = await hub.schema.pool.connect();
    try {
      // The other replica, mid-claim: its claim row inserted, not yet committed.
      await other.query('BEGIN');
      await other.query('INSERT INTO hub_processed_events (consumer, event_id) VALUES ($1, $2)', [
        'claim:notifier:email:team:payments:team',
        id,
      ]);
      const retries = await emailDeliveries('retry');
      await hub.publish({ incidentKey: key, sequence: 1, state: 'firing', team: 'payments' }, id);
      await waitFor('the delivery waiting on the uncommitted claim', async () => {
        const { rows } = await hub.schema.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%hub_processed_events%'",
        );
        return rows[0]!.n > 0;
      });
      await other.query('COMMIT');
      await waitFor('held for a retry', async () => (await emailDeliveries('retry')) > retries);
      expect(smtp.messages.filter((m) => m.headers['x-hub-incident-key'] === key)).toEqual([]);
      // That claim is never marked sent (its replica died): after the lease the email goes, once.
      await waitFor('sent after the lease', () => smtp.messages.some((m) => m.headers['x-hub-incident-key'] === key), {
        timeoutMs: 20_000,
      });
    } finally {
      other.release();
    }
  });
});

describe('email without an SMTP server (embedded default)', () => {
  let hub: NotifierHarness;

  beforeAll(async () => {
    hub = await startNotifier({ teams: TEAMS_YAML });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('writes the email it would send to $HUB_DATA_DIR/outbox/email.jsonl and records an outbox receipt', async () => {
    const key = uniqueName('mail-outbox');
    await hub.publish({ incidentKey: key, sequence: 2, state: 'remediating', team: 'payments' });
    const outbox = async () =>
      (await readFile(join(hub.dataDir, 'outbox', 'email.jsonl'), 'utf8').catch(() => ''))
        .split('\n')
        .filter((line) => line.includes(key))
        .map((line) => JSON.parse(line) as { operation: string; request: Record<string, unknown> });
    const [entry] = await waitFor('the outbox entry', async () => ((await outbox()).length > 0 ? outbox() : undefined));
    expect(entry).toMatchObject({
      operation: 'smtp.send',
      request: {
        from: 'Hub <hub@localhost>',
        to: ['payments-team@example.com'],
        subject: `Re: [Critical] ArgoCD application ${key} is unhealthy`,
        inReplyTo: `<hub.incident.inc-${key}@localhost>`,
      },
    });
    await waitFor('the receipt', async () => {
      const { rows } = await hub.schema.pool.query<{ mode: string }>(
        "SELECT mode FROM notification_receipts WHERE incident_key = $1 AND channel = 'email'",
        [key],
      );
      return rows[0]?.mode === 'outbox';
    });
  });
});
