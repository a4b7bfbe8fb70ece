import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricsRegistry } from '@hub/telemetry';
import { FakeSmtpServer, selfSignedCertificate, uniqueName, waitFor } from '@hub/testing';
import { ofIncident, startNotifier, type NotifierHarness } from '../../__tests__/notifier.harness.js';

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
});
