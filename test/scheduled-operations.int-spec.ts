import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { type HubEvent } from '@hub/contracts';
import { declareExchange, type HubRmqServer } from '@hub/messaging';
import {
  amqpUrl,
  createTestSchema,
  FakeArgoWorkflows,
  FakeKubernetesApi,
  FakeSlack,
  FakeSmtpServer,
  QueueReader,
  type TestSchema,
  uniqueName,
} from '@hub/testing';
import { metricsRegistry } from '@hub/telemetry';
import { createNotifierApp, loadNotifierConfig } from '../apps/notifier/src/index.js';
import { createRemediationExecutorApp, loadRemediationExecutorConfig } from '../apps/remediation-executor/src/index.js';
import { createSchedulerApp, loadSchedulerConfig, type SchedulerApp } from '../apps/scheduler/src/index.js';
import { createSensorApp, loadSensorConfig } from '../apps/sensor/src/index.js';

const CONFIG_DIR = new URL('../config', import.meta.url).pathname;
const DAY = 86_400_000;

/** The scheduler's clock, moved by the test. */
const clock = { current: new Date('2026-05-03T23:59:00Z'), now: () => new Date(clock.current) };

describe('S7 scheduled operations end to end: shipped schedules → scheduler → shipped sensors → executor → notifier', () => {
  let schema: TestSchema;
  let dataDir: string;
  let argo: FakeArgoWorkflows;
  let kube: FakeKubernetesApi;
  let slack: FakeSlack;
  let smtp: FakeSmtpServer;
  let reader: QueueReader;
  let scheduler: SchedulerApp;
  const consumers: { app: INestApplication; server: HubRmqServer }[] = [];
  const bus: { key: string; event: HubEvent<Record<string, unknown>> }[] = [];

  const of = (type: string, incidentkey: string) =>
    bus.filter((m) => m.key.startsWith(type) && m.event.incidentkey === incidentkey).map((m) => m.event);

  beforeAll(async () => {
    schema = await createTestSchema();
    dataDir = await mkdtemp(join(tmpdir(), 'hub-s7-'));
    argo = await new FakeArgoWorkflows().start();
    argo.addWorkflowTemplate('backups', 'nightly-backup', {
      phases: ['Running', 'Failed'],
      message: 'child "dump-postgres" failed: exit code 2',
    });
    kube = await new FakeKubernetesApi().start();
    kube
      .addNamespace('preview-pr-7', { preview: 'true' }, new Date(Date.now() - 20 * DAY))
      .addNamespace('preview-pr-9', { preview: 'true' }, new Date(Date.now() - 2 * DAY))
      .addNamespace('payments-prod', { team: 'payments' })
      .addResourceQuota('payments-prod', 'compute', { hard: { 'requests.cpu': '4' }, used: { 'requests.cpu': '3' } })
      .addNamespace('security-tools', { team: 'security' })
      .addResourceQuota('security-tools', 'compute', {
        hard: { 'requests.cpu': '2' },
        used: { 'requests.cpu': '500m' },
      })
      .addNamespace('ghost-town', { team: 'ghosts' });
    slack = await new FakeSlack().start();
    smtp = await new FakeSmtpServer().start();
    const env = {
      AMQP_URL: amqpUrl(),
      DATABASE_URL: schema.url,
      HUB_EXCHANGE: uniqueName('s7'),
      HUB_CONFIG_DIR: CONFIG_DIR,
      HUB_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      KUBE_API_URL: kube.url,
      KUBE_TOKEN: kube.token,
      ARGO_WORKFLOWS_URL: argo.url,
      ARGO_WORKFLOWS_TOKEN: argo.token,
      ARGO_WORKFLOWS_POLL_INTERVAL_MS: '20',
      SCHEDULER_TICK_MS: '100',
      SLACK_TOKEN: 'xoxb-s7',
      SLACK_API_URL: slack.url,
      SMTP_URL: smtp.url,
      SMTP_TLS: 'none', // a loopback relay without STARTTLS
      SMTP_FROM: 'Hub <hub@hub.example.com>',
      NOTIFIER_RETRY_DELAYS_MS: '300,1000,3000',
    };
    reader = await QueueReader.open(amqpUrl());
    await declareExchange(reader.channel, env.HUB_EXCHANGE);
    const queue = (await reader.channel.assertQueue('', { exclusive: true })).queue;
    await reader.channel.bindQueue(queue, env.HUB_EXCHANGE, '#');
    await reader.channel.consume(
      queue,
      (message) =>
        message &&
        bus.push({ key: message.fields.routingKey, event: JSON.parse(message.content.toString()) as HubEvent<never> }),
      { noAck: true },
    );
    consumers.push(await createSensorApp(loadSensorConfig(env), { logger: false, queue: uniqueName('sensor') }));
    consumers.push(
      await createRemediationExecutorApp(loadRemediationExecutorConfig(env), {
        logger: false,
        queue: uniqueName('exec'),
      }),
    );
    consumers.push(await createNotifierApp(loadNotifierConfig(env), { logger: false, queue: uniqueName('notifier') }));
    for (const { app, server } of consumers) {
      await app.init();
      await app.startAllMicroservices();
      await server.waitUntilReady(20_000);
    }
    scheduler = await createSchedulerApp(loadSchedulerConfig(env), { logger: false, clock });
    await scheduler.app.init();
    await scheduler.publisher.waitUntilReady();
    await scheduler.service.pass(); // first seen at 01:59 Berlin time: nothing owed yet
  });

  afterAll(async () => {
    await scheduler?.app.close();
    for (const { app } of consumers.reverse()) await app.close();
    await reader?.close();
    await Promise.all([argo?.stop(), kube?.stop(), slack?.stop(), smtp?.stop()]);
    await schema?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('02:00 Berlin: the backup workflow is submitted, fails, and the run escalates', async () => {
    clock.current = new Date('2026-05-04T00:00:01Z'); // 02:00:01 CEST
    const key = 'schedule/nightly-backup/2026-05-04T00:00:00.000Z';
    await vi.waitFor(() => expect(of('notification.requested', key).map((e) => e.data.state)).toContain('escalated'), {
      timeout: 20_000,
    });
    expect(of('schedule.fired.nightly-backup', key)).toHaveLength(1);
    const [request] = of('action.requested.argo-workflows.submit', key);
    expect(request?.data).toMatchObject({
      kind: 'argo-workflows.submit',
      target: 'backups/nightly-backup',
      params: { parameters: { retentionDays: '30', scheduledAt: '2026-05-04T00:00:00.000Z' } },
    });
    expect(argo.submits).toMatchObject([{ namespace: 'backups', template: 'nightly-backup' }]);
    const [failed] = of('action.failed', key);
    expect(failed?.data.reason).toContain('child "dump-postgres" failed: exit code 2');
    const escalated = of('notification.requested', key).find((e) => e.data.state === 'escalated');
    expect(escalated?.data).toMatchObject({ route: 'oncall', severity: 'critical' });
  });

  it('03:30 Berlin: the expired preview namespace is deleted and listed in the result', async () => {
    clock.current = new Date('2026-05-04T01:30:01Z'); // 03:30:01 CEST
    const key = 'schedule/preview-cleanup/2026-05-04T01:30:00.000Z';
    await vi.waitFor(() => expect(of('action.succeeded', key)).toHaveLength(1), { timeout: 20_000 });
    expect(of('action.succeeded', key)[0]?.data.details).toMatchObject({
      deleted: [{ namespace: 'preview-pr-7', ageDays: 20 }],
      kept: ['preview-pr-9'],
    });
    expect(kube.deletedNamespaces).toEqual(['preview-pr-7']);
    // `onSuccess: { resolve: true }`: the run is over, its incident does not stay open.
    await vi.waitFor(() =>
      expect(of('notification.requested', key).map((e) => e.data.state)).toEqual([
        'firing',
        'remediating',
        'remediated',
        'resolved',
      ]),
    );
  });

  it("1 June 08:00 Berlin: each team's quota report reaches the team's Slack channel, and the run resolves", async () => {
    clock.current = new Date('2026-06-01T06:00:01Z'); // 08:00:01 CEST
    const key = 'schedule/team-cost-report/2026-06-01T06:00:00.000Z';
    const text = (channel: string) => slack.messagesIn(channel).map((m) => JSON.stringify(m));
    await vi.waitFor(
      () => {
        expect(text('#team-payments').join()).toContain('Quota report for payments');
        expect(text('#security-alerts').join()).toContain('Quota report for security');
        expect(text('#platform-alerts').join()).toContain('Quota report for ghosts');
      },
      { timeout: 20_000 },
    );
    const [succeeded] = of('action.succeeded', key);
    expect(Object.keys((succeeded?.data.details as { teams: object }).teams)).toEqual([
      'ghosts',
      'payments',
      'security',
    ]);
    const messages = of('notification.requested', key).filter((e) => e.data.kind === 'message');
    expect(messages.map((e) => [e.data.team, e.data.title])).toEqual([
      ['platform', 'Team cost report 2026-06-01T08:00:00+02:00: ghosts (team "ghosts" is not in teams.yaml)'],
      ['payments', 'Team cost report 2026-06-01T08:00:00+02:00: payments'],
      ['security', 'Team cost report 2026-06-01T08:00:00+02:00: security'],
    ]);
    const payments = text('#team-payments').join();
    expect(payments).toContain('requests.cpu: 3 of 4 (75%)');
    expect(payments).not.toContain('security');
    expect(text('#security-alerts').join()).toContain('requests.cpu: 0.5 of 2 (25%)');
    await vi.waitFor(() =>
      expect(
        of('notification.requested', key)
          .filter((e) => e.data.kind === 'incident')
          .map((e) => e.data.state),
      ).toEqual(['firing', 'remediating', 'remediated', 'resolved']),
    );
  });

  it("1 July 08:00 Berlin, SMTP down at first: each team's report reaches its stakeholders by email once, the run's emails thread", async () => {
    await smtp.stop();
    const retries = await emailDeliveries('retry');
    clock.current = new Date('2026-07-01T06:00:01Z'); // 08:00:01 CEST
    const key = 'schedule/team-cost-report/2026-07-01T06:00:00.000Z';
    await vi.waitFor(async () => expect(await emailDeliveries('retry')).toBeGreaterThan(retries), { timeout: 20_000 });
    await smtp.start();
    const reports = () =>
      smtp.messages.filter(
        (m) => m.subject?.startsWith('[Info] Team cost report 2026-07-01') && m.headers['x-hub-state'] === undefined,
      );
    await vi.waitFor(() => expect(reports()).toHaveLength(3), { timeout: 20_000 });
    const runEmails = () => smtp.messages.filter((m) => m.headers['x-hub-incident-key'] === key);
    await vi.waitFor(() => expect(runEmails()).toHaveLength(4), { timeout: 20_000 });
    // Each team's report once, to its stakeholders (teams.yaml); ghosts is nobody's, so the default team's.
    expect(
      reports()
        .map((m) => [m.subject?.replace(/^.*: /, ''), m.envelope.to])
        .sort(),
    ).toEqual([
      ['ghosts (team "ghosts" is not in teams.yaml)', ['platform-lead@example.com', 'finance@example.com']],
      ['payments', ['payments-lead@example.com', 'finance@example.com']],
      ['security', ['security-lead@example.com']],
    ]);
    const payments = reports().find((m) => m.subject?.endsWith(': payments'));
    expect(payments?.text).toContain('requests.cpu: 3 of 4 (75%)');
    expect(payments?.html).toContain('requests.cpu: 3 of 4 (75%)');
    // The run itself is the default team's incident: one conversation at its own list.
    // (Sent after the outage in whatever order the retries came: the References keep them one conversation.)
    const root = runEmails().find((m) => m.headers['x-hub-state'] === 'firing');
    const replies = runEmails().filter((m) => m !== root);
    expect(root?.envelope.to).toEqual(['platform-team@example.com']);
    expect(root?.inReplyTo).toBeUndefined();
    expect(replies.map((m) => m.headers['x-hub-state']).sort()).toEqual(['remediated', 'remediating', 'resolved']);
    for (const reply of replies)
      expect([reply.inReplyTo, reply.references]).toEqual([root?.messageId, [root?.messageId]]);
    expect(smtp.messagesTo('payments-team@example.com')).toEqual([]);
  });
});

/** The notifier's email deliveries with `outcome` (every app of the test shares the process's registry). */
async function emailDeliveries(outcome: string): Promise<number> {
  const metric = await metricsRegistry().getSingleMetric('hub_notifications_delivered_total')?.get();
  return metric?.values.find((v) => v.labels.channel === 'email' && v.labels.outcome === outcome)?.value ?? 0;
}
