import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadGatewayConfig } from '@hub/config';
import { HubPublisher, type HubRmqServer } from '@hub/messaging';
import {
  amqpUrl,
  createTestSchema,
  FakeArgoCd,
  FakeGitHub,
  FakeJiraCloud,
  FakeKubernetesCluster,
  FakeSlack,
  FakeStatuspage,
  FakeTeamsWebhook,
  type TestSchema,
  uniqueName,
} from '@hub/testing';
import { createGatewayApp } from '../../apps/ingest-gateway/src/gateway.app.js';
import { createNotifierApp, loadNotifierConfig } from '../../apps/notifier/src/index.js';
import {
  createRemediationExecutorApp,
  loadRemediationExecutorConfig,
} from '../../apps/remediation-executor/src/index.js';
import { createSensorApp, loadSensorConfig } from '../../apps/sensor/src/index.js';
import { createTicketingApp, loadTicketingConfig } from '../../apps/ticketing/src/index.js';

export const INGEST_TOKEN = 'alertmanager-e2e-token';
/** The read token of the read API (`GET /v1/events`, `GET /v1/incidents/{key}`). */
export const READ_TOKEN = 'operator-e2e-read-token';
/** The GitHub webhook secret of the hub's gateway (`POST /v1/webhooks/github`). */
export const GITHUB_SECRET = 'github-e2e-webhook-secret';
export const CONFIG_DIR = new URL('../../config', import.meta.url).pathname;

/** The whole hub in one process: every service on its own queue of a unique exchange, one schema, vendor fakes. */
export interface Hub {
  readonly gatewayUrl: string;
  readonly schema: TestSchema;
  readonly argocd: FakeArgoCd;
  /** GitHub's REST API (GitOps pull requests, artifacts) of the executor's `GITHUB_TOKEN`. */
  readonly github: FakeGitHub;
  /** The Kubernetes API, with creates and deletes of namespaces and Argo CD Applications (preview environments). */
  readonly kubernetes: FakeKubernetesCluster;
  readonly slack: FakeSlack;
  readonly teams: FakeTeamsWebhook;
  /** JIRA Cloud of the ticketing service (projects of config/teams.yaml). */
  readonly jira: FakeJiraCloud;
  readonly statuspage: FakeStatuspage;
  post(body: unknown): Promise<Response>;
  /** A request to the gateway: a POST of `body` (JSON, `contentType`) with the ingest token, a GET with the read token. */
  request(path: string, body?: unknown, contentType?: string): Promise<Response>;
  stop(): Promise<void>;
}

/** What a test may change about the hub: its config directory, more variables, the sensor's clock. */
export interface HubOptions {
  readonly configDir?: string;
  readonly env?: Record<string, string>;
  readonly clock?: () => Date;
}

/** The Slack app's signing secret of {@link startHub}'s gateway. */
export const SLACK_SIGNING_SECRET = 'slack-e2e-signing-secret';

export async function startHub(options: HubOptions = {}): Promise<Hub> {
  const schema = await createTestSchema();
  const dataDir = await mkdtemp(join(tmpdir(), 'hub-e2e-'));
  const argocd = await new FakeArgoCd().start();
  const github = await new FakeGitHub().start();
  const kubernetes = await new FakeKubernetesCluster().start();
  const slack = await new FakeSlack().start();
  const teams = await new FakeTeamsWebhook().start();
  const jira = await new FakeJiraCloud({
    projects: [{ key: 'PLAT' }, { key: 'SEC', components: ['runtime-security'] }, { key: 'PAY' }],
  }).start();
  const statuspage = await new FakeStatuspage().start();
  const env = {
    AMQP_URL: amqpUrl(),
    DATABASE_URL: schema.url,
    HUB_EXCHANGE: uniqueName('e2e'),
    HUB_CONFIG_DIR: options.configDir ?? CONFIG_DIR,
    HUB_DATA_DIR: dataDir,
    SLACK_SIGNING_SECRET,
    HUB_INGEST_TOKENS: `alertmanager:${INGEST_TOKEN}`,
    HUB_READ_TOKENS: `operator:${READ_TOKEN}`,
    GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
    LOG_LEVEL: 'silent',
    GRAFANA_URL: 'http://grafana.example',
    ARGOCD_URL: argocd.url,
    ARGOCD_TOKEN: argocd.token,
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: github.token,
    ARGOCD_POLL_INTERVAL_MS: '20',
    HUB_ACTION_MAX_ATTEMPTS: '3',
    HUB_ACTION_BACKOFF_MS: '20',
    KUBE_API_URL: kubernetes.url,
    KUBE_TOKEN: kubernetes.token,
    SLACK_TOKEN: 'xoxb-e2e',
    SLACK_API_URL: slack.url,
    TEAMS_WEBHOOK_URL: teams.webhookUrl,
    JIRA_HOST: jira.url,
    JIRA_EMAIL: jira.email,
    JIRA_API_TOKEN: jira.apiToken,
    STATUSPAGE_URL: statuspage.url,
    STATUSPAGE_TOKEN: statuspage.token,
    STATUSPAGE_PAGE_ID: statuspage.pageId,
    ...options.env,
  };
  const consumers: { app: INestApplication; server: HubRmqServer }[] = [
    await createSensorApp(loadSensorConfig(env), {
      logger: false,
      queue: uniqueName('sensor'),
      ...(options.clock ? { clock: options.clock } : {}),
    }),
    await createRemediationExecutorApp(loadRemediationExecutorConfig(env), {
      logger: false,
      queue: uniqueName('exec'),
    }),
    await createNotifierApp(loadNotifierConfig(env), { logger: false, queue: uniqueName('notifier') }),
    await createTicketingApp(loadTicketingConfig(env), { logger: false, queue: uniqueName('ticketing') }),
  ];
  for (const { app, server } of consumers) {
    await app.init();
    await app.startAllMicroservices();
    await server.waitUntilReady(20_000);
  }
  const gateway: NestFastifyApplication = await createGatewayApp(loadGatewayConfig(env));
  await gateway.get(HubPublisher).waitUntilReady();
  await gateway.listen(0, '127.0.0.1');
  const gatewayUrl = await gateway.getUrl();
  return {
    gatewayUrl,
    schema,
    argocd,
    github,
    kubernetes,
    slack,
    teams,
    jira,
    statuspage,
    request: (path, body, contentType = 'application/json') =>
      fetch(`${gatewayUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${body === undefined ? READ_TOKEN : INGEST_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': contentType }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    post: (body) =>
      fetch(`${gatewayUrl}/v1/webhooks/alertmanager`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
        body: JSON.stringify(body),
      }),
    async stop() {
      await gateway.close();
      for (const { app } of consumers.reverse()) await app.close();
      await Promise.all([
        argocd.stop(),
        github.stop(),
        kubernetes.stop(),
        slack.stop(),
        teams.stop(),
        jira.stop(),
        statuspage.stop(),
      ]);
      await schema.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * An Alertmanager v4 webhook with one alert (the fingerprint follows the labels, as Alertmanager's does).
 * The gateway derives event ids from fingerprint, `startsAt`, status and receiver: the same webhook
 * posted again is a retry (dropped by consumers); an alert firing again after it resolved starts later.
 */
export function alertWebhook(
  status: 'firing' | 'resolved',
  labels: Record<string, string>,
  fingerprint = Object.values(labels).join('-'),
  startsAt = '2026-11-23T04:00:00Z',
): Record<string, unknown> {
  return {
    version: '4',
    groupKey: `{}:{alertname="${labels.alertname}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'hub',
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: [
      {
        status,
        labels,
        annotations: { summary: `${labels.alertname} for ${labels.name}` },
        startsAt,
        endsAt: status === 'resolved' ? '2026-11-23T04:30:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example:9090/graph',
        fingerprint,
      },
    ],
  };
}
