import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { amqpUrl, createTestSchema, type TestSchema, uniqueName } from '@hub/testing';
import { dashboardMetrics, dashboards } from './dashboards.js';
import { CHART_DIR, readYaml, ROOT, serviceApps } from './deploy-files.js';
import { ruleMetrics } from './prometheus-rules.js';
import { exportedNames, metricNames } from './promql.js';
import { buildAll, migrate, type ServiceProcess, startService } from './service-processes.js';

interface ChartService {
  portEnv?: string;
  queue?: string;
}
interface ExternalMetrics {
  sources: Record<string, { how: string; metrics: string[] }>;
}

const chart = readYaml<{ serviceDefaults: ChartService; services: Record<string, ChartService> }>(
  join(CHART_DIR, 'values.yaml'),
);
const external = readYaml<ExternalMetrics>(join(ROOT, 'grafana/external-metrics.yaml'));
const externalNames = new Map(
  Object.entries(external.sources).flatMap(([source, { metrics }]) => metrics.map((m) => [m, source] as const)),
);

describe('PromQL metric names', () => {
  it('finds the selected metrics, not functions, labels, keywords or variables', () => {
    expect(
      metricNames(
        'sum by (queue) (rabbitmq_queue_messages_ready{queue=~"$queue"}) / clamp_min(sum by (queue) ' +
          '(rate(hub_messages_consumed_total{queue=~"(${queue:pipe})\\\\.dlq"}[$__rate_interval])), 0.001)',
      ),
    ).toEqual(['rabbitmq_queue_messages_ready', 'hub_messages_consumed_total']);
    expect(metricNames('histogram_quantile(0.95, sum(rate(a_bucket[5m])) by (le)) and on(x) up offset 5m')).toEqual([
      'a_bucket',
      'up',
    ]);
  });
});

/**
 * Every metric a dashboard or an alert rule of the chart queries is exported by a hub service: each
 * app with a main.ts runs as its own process (from its build, against the test broker and a fresh
 * schema), one event goes through the gateway, and the /metrics pages are compared with the
 * dashboards' and rules' PromQL. Metrics
 * from elsewhere (RabbitMQ's plugin, Prometheus, the collector, cert-manager) must be listed in
 * grafana/external-metrics.yaml with how to get them.
 */
describe('dashboard metrics', () => {
  const exported = new Map<string, Set<string>>();
  const running: ServiceProcess[] = [];
  let schema: TestSchema;
  let dataDir: string;

  beforeAll(async () => {
    buildAll();
    schema = await createTestSchema();
    migrate(schema.url);
    dataDir = await mkdtemp(join(tmpdir(), 'hub-metrics-'));
    const env = {
      AMQP_URL: amqpUrl(),
      DATABASE_URL: schema.url,
      HUB_EXCHANGE: uniqueName('metrics'),
      HUB_CONFIG_DIR: join(ROOT, 'config'),
      HUB_DATA_DIR: dataDir,
      HUB_INGEST_TOKENS: 'alertmanager:metrics-test-token',
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
    };
    for (const name of serviceApps()) {
      const portEnv = chart.services[name]?.portEnv ?? chart.serviceDefaults.portEnv!;
      running.push(await startService(name, portEnv, env));
    }
    const gateway = running.find((s) => s.name === 'ingest-gateway');
    if (gateway) {
      const response = await fetch(`${gateway.url}/v1/webhooks/alertmanager`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer metrics-test-token' },
        body: await readFile(join(ROOT, 'examples/alertmanager/argocd-unhealthy.json'), 'utf8'),
      });
      expect(response.status, await response.text()).toBe(202);
    }
    for (const service of running) {
      exported.set(service.name, exportedNames(await (await fetch(`${service.url}/metrics`)).text()));
    }
  }, 300_000);

  afterAll(async () => {
    for (const service of running) await service.stop();
    await schema?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('scrapes every service app', () => {
    expect([...exported.keys()].sort()).toEqual(serviceApps());
    for (const [name, names] of exported) expect(names.has('process_start_time_seconds'), name).toBe(true);
  });

  it('finds every dashboard metric on a service /metrics page or in the external list', () => {
    const missing = [...dashboardMetrics()]
      .filter(([name]) => !externalNames.has(name) && ![...exported.values()].some((names) => names.has(name)))
      .map(([name, where]) => `${name} (${where.join('; ')})`);
    expect(missing).toEqual([]);
  });

  it('finds every metric of the chart alert rules on a service /metrics page or in the external list', () => {
    const missing = [...ruleMetrics()]
      .filter(([name]) => !externalNames.has(name) && ![...exported.values()].some((names) => names.has(name)))
      .map(([name, where]) => `${name} (${where.join('; ')})`);
    expect(missing).toEqual([]);
  });

  it('lists as external only metrics that dashboards or alert rules use and no hub service exports', () => {
    const used = new Map([...dashboardMetrics(), ...ruleMetrics()]);
    for (const [name, source] of externalNames) {
      expect(used.has(name), `${name} (${source}) is not used by any dashboard or alert rule`).toBe(true);
      expect(
        [...exported].filter(([, names]) => names.has(name)).map(([service]) => service),
        name,
      ).toEqual([]);
    }
  });

  it('offers every queue of the chart in the overview queue selector', () => {
    const overview = dashboards().find((d) => d.uid === 'hub-overview')!;
    const variable = overview.templating.list.find((v) => v.name === 'queue');
    const queues = Object.values(chart.services)
      .map((s) => s.queue)
      .filter(Boolean);
    expect((typeof variable?.query === 'string' ? variable.query : '').split(',').sort()).toEqual([...queues].sort());
  });
});
